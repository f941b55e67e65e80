// The doctor's store: the pasted text, the last diagnosis (kept while the user goes to the clean
// dialog or the verify view and back), the dashboard's environment checks, and
// `body[data-doctor-state]` for the tests (`idle` | `running` | `done` | `error`).
//
// The core writes the explanations in the UI's language: each answer remembers the language it
// was asked in (`diagnosisLang`, `checksLang`), and the views ask again (`relocalize*`) when the
// language changed since.

import { toApiError, type ApiError } from './api';
import { diagnoseText, doctorChecks, type Checks, type Diagnosis, type TargetOs } from './doctor';
import { locale, type Locale } from './i18n';

export type DoctorState = 'idle' | 'running' | 'done' | 'error';

class DoctorStore {
  text = $state('');
  /** The OS the fixes are written for; null = this machine (its real paths). */
  os = $state<TargetOs | null>(null);
  state = $state<DoctorState>('idle');
  diagnosis = $state.raw<Diagnosis | null>(null);
  /** The language `diagnosis` is explained in. */
  diagnosisLang = $state<Locale | null>(null);
  error = $state.raw<ApiError | null>(null);
  checks = $state.raw<Checks | null>(null);
  /** The language `checks` are explained in. */
  checksLang = $state<Locale | null>(null);
  /** Whether the dashboard's list of checks is unfolded (when it is long enough to fold). */
  checksOpen = $state(false);
  /** What the last diagnosis was asked for (re-asked in another language). */
  private last: { text: string; os: TargetOs | null } | null = null;
  private seq = 0;
  private checksSeq = 0;
  /** The language of the request in flight (null when none). */
  private pendingLang: Locale | null = null;
  private pendingChecksLang: Locale | null = null;

  private setState(s: DoctorState): void {
    this.state = s;
    if (typeof document !== 'undefined') document.body.dataset.doctorState = s;
  }

  /** Diagnoses the current text (the answer of an older request is dropped). */
  async run(): Promise<void> {
    const text = this.text;
    if (!text.trim()) return;
    await this.diagnose(text, this.os);
  }

  private async diagnose(text: string, os: TargetOs | null): Promise<void> {
    const seq = ++this.seq;
    const lang = locale();
    this.last = { text, os };
    this.pendingLang = lang;
    this.setState('running');
    try {
      const d = await diagnoseText(text, os, lang);
      if (seq !== this.seq) return;
      this.pendingLang = null;
      this.diagnosis = d;
      this.diagnosisLang = lang;
      this.error = null;
      this.setState('done');
    } catch (e) {
      if (seq !== this.seq) return;
      this.pendingLang = null;
      this.error = toApiError(e);
      this.setState('error');
    }
  }

  /** Diagnoses the last text again when the shown diagnosis is in another language than the UI. */
  relocalizeDiagnosis(): void {
    const lang = locale();
    if (!this.diagnosis || !this.last || this.diagnosisLang === lang || this.pendingLang === lang) return;
    void this.diagnose(this.last.text, this.last.os);
  }

  /** Runs the environment checks (the dashboard's panel); failures leave the panel empty. */
  async loadChecks(): Promise<void> {
    const seq = ++this.checksSeq;
    const lang = locale();
    this.pendingChecksLang = lang;
    try {
      const checks = await doctorChecks(lang);
      if (seq !== this.checksSeq) return;
      this.pendingChecksLang = null;
      this.checks = checks;
      this.checksLang = lang;
    } catch {
      if (seq !== this.checksSeq) return;
      this.pendingChecksLang = null;
      this.checks = null;
      this.checksLang = null;
    }
  }

  /** Runs the checks again when the shown ones are in another language than the UI. */
  relocalizeChecks(): void {
    const lang = locale();
    if (!this.checks || this.checksLang === lang || this.pendingChecksLang === lang) return;
    void this.loadChecks();
  }
}

export const doctor = new DoctorStore();
