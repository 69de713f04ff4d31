/** Screen readers hear new incoming messages here (polite: after what they are reading). */
export function LiveRegion(props: { message: string }) {
  return (
    <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {props.message}
    </div>
  );
}
