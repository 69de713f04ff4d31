/** A send to an account that does not exist or is deleted: nothing of the send is kept. */
export class RecipientDeletedError extends Error {
  constructor(readonly recipientId: string) {
    super('the recipient is not a live account');
    this.name = 'RecipientDeletedError';
  }
}
