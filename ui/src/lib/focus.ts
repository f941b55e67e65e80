// Keyboard focus helpers shared by the modal dialogs.

/**
 * Keeps Tab and Shift+Tab inside a modal dialog: from the last of `focusables` Tab wraps to the
 * first, from the first Shift+Tab wraps to the last. `emptyBlocks`: with nothing focusable,
 * Tab does nothing (instead of leaving the dialog).
 */
export function trapTab(
  e: KeyboardEvent,
  dialog: HTMLElement | undefined,
  focusables: HTMLElement[],
  { emptyBlocks = false, refocusOutside = false } = {},
): void {
  if (e.key !== 'Tab' || !dialog) return;
  if (focusables.length === 0) {
    if (emptyBlocks) e.preventDefault();
    return;
  }
  const first = focusables[0];
  const last = focusables[focusables.length - 1];
  const active = document.activeElement;
  const outside = refocusOutside && !dialog.contains(active);
  if (e.shiftKey && (active === first || outside)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || outside)) {
    e.preventDefault();
    first.focus();
  }
}
