/**
 * Past observations of one numeric attribute of one resource, read from the run history
 * (src/history/). The evaluation gets them as data so it stays a pure function of its inputs.
 */
export interface SeriesPoint {
  /** The as-of time of the run that observed it (ms since the epoch). */
  readonly at: number;
  readonly value: number;
}

/**
 * The past points of `attribute` of the resource at `address`, oldest first; `[]` when the history
 * holds none. A run without history passes no lookup at all (operators then say history is needed).
 */
export type ObservedSeries = (address: string, attribute: string) => readonly SeriesPoint[];
