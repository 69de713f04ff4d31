/** Files carried by a drag (not text or links dragged from elsewhere on the page). */
const carriesFiles = (event: DragEvent): boolean =>
  event.dataTransfer?.types.includes('Files') ?? false;

/**
 * Makes `element` accept files dropped onto it: `onFiles` gets them, and `data-dragging` is set on the
 * element while files are held over it (for a highlight). Returns the function that stops it.
 */
export function fileDropZone(
  element: HTMLElement,
  onFiles: (files: File[]) => void,
  enabled: () => boolean = () => true,
): () => void {
  // dragenter/dragleave fire for every child crossed: count them to know when the pointer left.
  let depth = 0;
  const setDragging = (on: boolean): void => {
    if (on) element.dataset.dragging = 'true';
    else delete element.dataset.dragging;
  };
  const onEnter = (event: DragEvent): void => {
    if (!carriesFiles(event) || !enabled()) return;
    depth += 1;
    setDragging(true);
  };
  const onOver = (event: DragEvent): void => {
    if (!carriesFiles(event) || !enabled()) return;
    event.preventDefault(); // allows the drop
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const onLeave = (): void => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent): void => {
    depth = 0;
    setDragging(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0 || !enabled()) return;
    event.preventDefault(); // not the browser's "open the file"
    onFiles(files);
  };
  element.addEventListener('dragenter', onEnter);
  element.addEventListener('dragover', onOver);
  element.addEventListener('dragleave', onLeave);
  element.addEventListener('drop', onDrop);
  return () => {
    element.removeEventListener('dragenter', onEnter);
    element.removeEventListener('dragover', onOver);
    element.removeEventListener('dragleave', onLeave);
    element.removeEventListener('drop', onDrop);
  };
}

/** The files pasted (a screenshot, files copied in a file manager); empty for pasted text. */
export const pastedFiles = (event: ClipboardEvent): File[] => [
  ...(event.clipboardData?.files ?? []),
];
