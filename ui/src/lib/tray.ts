// The DOM events the backend's tray icon dispatches on `window` (src-tauri `tray.rs`; a DOM
// event needs no event permission).

/** Clean now with the automatic cleanup off: show the Automatic cleanup panel. */
export const OPEN_AUTO_EVENT = 'gocache-doctor:open-auto-cleanup';
/** The tray's Clean now ran: what the app shows is out of date. */
export const AUTO_RAN_EVENT = 'gocache-doctor:auto-ran';
