// Shortening long names in the middle (`github.com/aws/aws-sdk-go-v2/…/service/s3`): the host
// and the last path elements are what tell modules apart, so both ends stay.

/** Width in pixels of a text (a canvas measurer in the UI, a fixed width per character in tests). */
export type Measure = (text: string) => number;

/** Part of the kept characters that go to the head; the tail (the last elements) gets more. */
const HEAD_SHARE = 0.4;

/**
 * `text` shortened in the middle to fit `space` pixels: the longest `head…tail` that fits,
 * the tail getting the larger share. Unchanged when it fits; '…' alone when nothing more does.
 */
export function middleEllipsis(text: string, space: number, measure: Measure): string {
  if (measure(text) <= space) return text;
  const chars = [...text];
  const cut = (n: number): string => {
    const head = Math.ceil(n * HEAD_SHARE);
    return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (n - head)).join('')}`;
  };
  // The longest n (characters kept) whose cut fits: widths grow with n, so search by halves.
  let lo = 0;
  let hi = chars.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(cut(mid)) <= space) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
}
