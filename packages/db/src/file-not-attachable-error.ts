/** A send named a file that is not the sender's unsent upload: nothing of the send is kept. */
export class FileNotAttachableError extends Error {
  constructor(readonly fileId: string) {
    super('the file is not an unsent upload of the sender');
    this.name = 'FileNotAttachableError';
  }
}
