/** The upload would pass `limitBytes`: nothing of it is kept. */
export class FileTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the file is larger than ${limitBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}
