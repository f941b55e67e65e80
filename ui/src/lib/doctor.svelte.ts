// The doctor's store: the pasted text, the last diagnosis (kept while the user goes to the clean
// dialog or the verify view and back), the dashboard's environment checks, and
// `body[data-doctor-state]` for the tests (`idle` | `running` | `done` | `error`).

import { toApiError, type ApiError } from './api';
import { diagnoseText, doctorChecks, type Checks, type Diagnosis, type TargetOs } from './doctor';

export type DoctorState = 'idle' | 'running' | 'done' | 'error';

class DoctorStore {
  text = $state('');
  /** The OS the fixes are written for; null = this machine (its real paths). */
  os = $state<TargetOs | null>(null);
  state = $state<DoctorState>('idle');
  diagnosis = $state.raw<Diagnosis | null>(null);
  error = $state.raw<ApiError | null>(null);
  checks = $state.raw<Checks | null>(null);
  private seq = 0;

  private setState(s: DoctorState): void {
    this.state = s;
    if (typeof document !== 'undefined') document.body.dataset.doctorState = s;
  }

  /** Diagnoses the current text (the answer of an older request is dropped). */
  async run(): Promise<void> {
    const text = this.text;
    if (!text.trim()) return;
    const seq = ++this.seq;
    this.setState('running');
    try {
      const d = await diagnoseText(text, this.os);
      if (seq !== this.seq) return;
      this.diagnosis = d;
      this.error = null;
      this.setState('done');
    } catch (e) {
      if (seq !== this.seq) return;
      this.error = toApiError(e);
      this.setState('error');
    }
  }

  /** Runs the environment checks (the dashboard's panel); failures leave the panel empty. */
  async loadChecks(): Promise<void> {
    try {
      this.checks = await doctorChecks();
    } catch {
      this.checks = null;
    }
  }
}

export const doctor = new DoctorStore();
