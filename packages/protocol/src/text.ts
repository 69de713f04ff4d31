/** Length in Unicode code points, the unit of the message limit (5000 emoji fit, 5001 do not). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
