import type { Attachment } from '@parley/protocol';
import { Match, Show, Switch, createResource, createSignal } from 'solid-js';
import { useChat } from '../context';
import { formatFileSize } from '../lib/file-size';
import { isInlineImage } from '../lib/inline-image';
import type { ChatItem } from '../stores/messages-store';

const buttonClass = (mine: boolean) =>
  `rounded-lg px-2.5 py-1 text-xs font-medium focus:ring-2 focus:outline-none ${
    mine
      ? 'bg-white/20 text-white hover:bg-white/30 focus:ring-white/70'
      : 'bg-white text-slate-800 hover:bg-slate-50 focus:ring-accent-500 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-950'
  }`;

/** Saves a downloaded file: an <a download> on its object URL (the browser's own save flow). */
function saveAs(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

function DownloadButton(props: { attachment: Attachment; mine: boolean }) {
  const chat = useChat();
  const [busy, setBusy] = createSignal(false);
  return (
    <button
      type="button"
      class={buttonClass(props.mine)}
      data-testid="attachment-download"
      aria-label={`Download ${props.attachment.name}`}
      disabled={busy()}
      onClick={() => {
        setBusy(true);
        chat.files
          .get(props.attachment.fileId, props.attachment.contentType)
          .then(({ url }) => saveAs(url, props.attachment.name))
          .catch(() => chat.announce(`Could not download ${props.attachment.name}.`))
          .finally(() => setBusy(false));
      }}
    >
      {busy() ? 'Downloading…' : 'Download'}
    </button>
  );
}

/** A picture made here from the downloaded bytes (fetched with the token; never an <img src> to the server). */
function ImageAttachment(props: { attachment: Attachment; mine: boolean }) {
  const chat = useChat();
  const [image] = createResource(
    () => props.attachment,
    (attachment) => chat.files.get(attachment.fileId, attachment.contentType),
  );
  return (
    <figure class="mb-1" data-testid="attachment" data-kind="image">
      <Switch>
        <Match when={image.error !== undefined}>
          <p class="text-xs">The picture could not be loaded.</p>
        </Match>
        <Match when={image()}>
          {(loaded) => (
            <img
              src={loaded().url}
              alt={props.attachment.name}
              data-testid="attachment-image"
              class="max-h-64 max-w-full rounded-lg object-contain"
            />
          )}
        </Match>
        <Match when={image.loading}>
          <div
            class="flex h-32 w-48 items-center justify-center rounded-lg bg-black/10 text-xs"
            role="status"
          >
            Loading picture…
          </div>
        </Match>
      </Switch>
      <figcaption class="mt-1 flex items-center justify-between gap-2 text-xs">
        <span class="truncate" dir="auto">
          {props.attachment.name} · {formatFileSize(props.attachment.size)}
        </span>
        <DownloadButton attachment={props.attachment} mine={props.mine} />
      </figcaption>
    </figure>
  );
}

function FileCard(props: { attachment: Attachment; mine: boolean }) {
  return (
    <div
      class="mb-1 flex items-center gap-3 rounded-lg bg-black/10 px-3 py-2"
      data-testid="attachment"
      data-kind="file"
    >
      <div class="min-w-0 flex-1">
        <p class="truncate text-sm font-medium" dir="auto" data-testid="attachment-name">
          {props.attachment.name}
        </p>
        <p class="text-xs opacity-80">
          {formatFileSize(props.attachment.size)} · {props.attachment.contentType}
        </p>
      </div>
      <DownloadButton attachment={props.attachment} mine={props.mine} />
    </div>
  );
}

/** Our file on its way: upload progress with Cancel, or Retry after a failed upload. */
function UploadCard(props: { item: ChatItem; upload: NonNullable<ChatItem['upload']> }) {
  const chat = useChat();
  const uploading = () => props.item.status === 'sending' && props.upload.fileId === null;
  const failed = () => props.item.status === 'failed';
  const percent = () =>
    props.upload.size === 0 ? 100 : Math.floor((props.upload.loaded / props.upload.size) * 100);
  return (
    <div class="mb-1 rounded-lg bg-black/10 px-3 py-2" data-testid="upload">
      <p class="truncate text-sm font-medium" dir="auto">
        {props.upload.name}
      </p>
      <p class="text-xs opacity-80">
        {formatFileSize(props.upload.size)}
        {failed()
          ? ' · upload failed'
          : uploading()
            ? ` · uploading ${percent()} %`
            : ' · sending…'}
      </p>
      <Show when={uploading()}>
        <progress
          class="mt-1 h-1.5 w-full"
          max={props.upload.size}
          value={props.upload.loaded}
          aria-label={`Uploading ${props.upload.name}`}
        />
      </Show>
      <div class="mt-1 flex gap-2">
        <Show when={failed()}>
          <button
            type="button"
            class={buttonClass(true)}
            data-testid="upload-retry"
            onClick={() => chat.retrySend(props.item.key)}
          >
            Retry
          </button>
        </Show>
        <Show when={uploading() || failed()}>
          <button
            type="button"
            class={buttonClass(true)}
            data-testid="upload-cancel"
            aria-label={`${failed() ? 'Remove' : 'Cancel upload of'} ${props.upload.name}`}
            onClick={() => chat.cancelSend(props.item.key)}
          >
            {failed() ? 'Remove' : 'Cancel'}
          </button>
        </Show>
      </div>
    </div>
  );
}

/** What a message carries: a picture, a file card, or our upload in progress. Nothing on a tombstone. */
export function AttachmentView(props: { item: ChatItem }) {
  const attachment = () => (props.item.deletedAt === null ? props.item.attachment : null);
  return (
    <Switch>
      <Match when={attachment()}>
        {(file) => (
          <Show
            when={isInlineImage(file().contentType)}
            fallback={<FileCard attachment={file()} mine={props.item.mine} />}
          >
            <ImageAttachment attachment={file()} mine={props.item.mine} />
          </Show>
        )}
      </Match>
      <Match when={props.item.deletedAt === null && props.item.upload}>
        {(upload) => <UploadCard item={props.item} upload={upload()} />}
      </Match>
    </Switch>
  );
}
