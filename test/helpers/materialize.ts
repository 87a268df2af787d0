import type { ResourceResult, RunReport, RunResult } from '../../src/model/run-result.js';

/** A streamed run's resources read once into a list, for comparing with a held run. */
export function materialize(result: RunReport): RunResult {
  return {
    ...result,
    resources: Array.isArray(result.resources) ? (result.resources as readonly ResourceResult[]) : [...result.resources],
  };
}
