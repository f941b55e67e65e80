// "Show in file manager": what the user reads when the backend could not show a path.

import { toApiError } from './api';
import { t } from './i18n';

/** The sentence for a failed `reveal_path` (the backend's message stays in the tooltip). */
export function revealErrorText(e: unknown): string {
  const err = toApiError(e);
  switch (err.code) {
    case 'NotFound':
      return t('common.reveal.error.gone');
    case 'BadArgument':
      return t('common.reveal.error.outside');
    case 'Unsupported':
      return t('common.reveal.error.noFileManager');
    default:
      return t('common.reveal.error.other', { detail: err.message });
  }
}
