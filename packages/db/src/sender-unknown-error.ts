/** A send from an account that does not exist or is deleted: nothing of the send is kept. */
export class SenderUnknownError extends Error {
  constructor(readonly senderId: string) {
    super('the sender is not a live account');
    this.name = 'SenderUnknownError';
  }
}
