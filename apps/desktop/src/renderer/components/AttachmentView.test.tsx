import type { Attachment } from '@parley/protocol';
import { cleanup, fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMessage } from '../test/fake-client';
import { openChatWithBob } from '../test/signed-in';

afterEach(cleanup);

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/** Bob sends a message carrying a file the fake server holds. */
async function receiveFile(attachment: Attachment, bytes = PNG_BYTES) {
  const opened = await openChatWithBob(() => []);
  opened.fake.files.set(attachment.fileId, {
    bytes,
    name: attachment.name,
    contentType: attachment.contentType,
  });
  opened.fake.emit({
    type: 'message',
    message: makeMessage({ conversationId: opened.bob.id, body: '', attachment }),
  });
  return opened;
}

const calledWith = (calls: Array<[string, unknown]>, name: string) =>
  calls.filter(([call]) => call === name).map(([, input]) => input);

describe('attachments in the chat', () => {
  it('shows a PNG as a picture made from the downloaded bytes, with a Download button', async () => {
    await receiveFile({ fileId: 'f-png', name: 'cat.png', size: 11, contentType: 'image/png' });
    const image = await screen.findByTestId<HTMLImageElement>('attachment-image');
    expect(image.alt).toBe('cat.png');
    expect(image.src.startsWith('blob:')).toBe(true);
    expect(screen.getByRole('button', { name: 'Download cat.png' })).toBeTruthy();
  });

  it.each([
    ['an SVG', 'drawing.svg', 'image/svg+xml'],
    ['HTML', 'page.html', 'application/octet-stream'],
    ['a PDF', 'plan.pdf', 'application/pdf'],
  ])('shows %s as a file card with name, size and type, never inline', async (_, name, type) => {
    await receiveFile({ fileId: `f-${name}`, name, size: 2048, contentType: type });
    const card = await screen.findByTestId('attachment');
    expect(card.dataset.kind).toBe('file');
    expect(within(card).getByTestId('attachment-name').textContent).toBe(name);
    expect(card.textContent).toContain('2.0 KB');
    expect(card.textContent).toContain(type);
    expect(screen.queryByTestId('attachment-image')).toBeNull();
    expect(document.querySelector('img, iframe, object, embed')).toBeNull();
  });

  it('sends files chosen with the attach button, pasted, or dropped on the chat', async () => {
    const { fake } = await openChatWithBob();
    const file = (name: string) => new File([PNG_BYTES], name, { type: 'image/png' });

    const button = screen.getByRole('button', { name: 'Attach a file' });
    expect(button.tagName).toBe('BUTTON'); // reachable with Tab, Enter and Space
    const input = screen.getByTestId<HTMLInputElement>('attach-input');
    Object.defineProperty(input, 'files', { value: [file('chosen.png')], configurable: true });
    fireEvent.change(input);

    fireEvent.paste(screen.getByLabelText('Message'), {
      clipboardData: { files: [file('pasted.png')], types: ['Files'] },
    });
    const zone = screen.getByTestId('chat-drop-zone');
    const dataTransfer = { files: [file('dropped.png')], types: ['Files'], dropEffect: 'none' };
    fireEvent.dragEnter(zone, { dataTransfer });
    expect(zone.dataset.dragging).toBe('true');
    fireEvent.drop(zone, { dataTransfer });
    expect(zone.dataset.dragging).toBeUndefined();

    expect(fake.client.outbox().map((entry) => entry.file?.name)).toEqual([
      'chosen.png',
      'pasted.png',
      'dropped.png',
    ]);
    expect(calledWith(fake.calls, 'send')).toHaveLength(3);
  });

  it('shows our upload with progress and Cancel; a failed one offers Retry', async () => {
    const { fake } = await openChatWithBob();
    const input = screen.getByTestId<HTMLInputElement>('attach-input');
    Object.defineProperty(input, 'files', {
      value: [new File([new Uint8Array(4096)], 'report.pdf', { type: 'application/pdf' })],
      configurable: true,
    });
    fireEvent.change(input);
    const [entry] = fake.client.outbox();
    const upload = await screen.findByTestId('upload');
    expect(upload.textContent).toContain('report.pdf');
    expect(within(upload).getByRole('progressbar', { name: 'Uploading report.pdf' })).toBeTruthy();

    fake.updateOutbox(entry!.clientId, { status: 'failed', error: 'Cannot reach the server.' });
    fireEvent.click(await screen.findByTestId('upload-retry'));
    expect(calledWith(fake.calls, 'retrySend')).toEqual([{ clientId: entry!.clientId }]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove report.pdf' }));
    expect(calledWith(fake.calls, 'cancelSend')).toEqual([{ clientId: entry!.clientId }]);
    await waitFor(() => expect(screen.queryByTestId('upload')).toBeNull());
  });
});
