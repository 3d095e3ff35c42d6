// Where the relay's claim starts on PostgreSQL (issue 16). Every version of an event that the relay's
// claim and mark replace stays in the index of unpublished events until a vacuum, and a claim read them
// all: during a fulfillment run, 2,000–20,000 index entries and up to 1,000 heap pages, 1–4.6 ms a claim
// (EXPLAIN ANALYZE), and autovacuum visits a database about once a minute, so under steady load a
// minute's worth. The claim asks only for ids above a floor, below which every event is known to be
// published or claimed, and skips those entries.
//
// Ids alone do not give the floor: an event's id is drawn when it is inserted but seen only when its
// transaction commits, so an event with a lower id can appear after higher ones were published. A pass
// reads, in the claim's own snapshot, the highest id visible (`top`). Every id at or below it was drawn
// before that snapshot, so an event among them that the pass did not see belongs to a transaction still
// running then. The floor moves up to `top` once every such transaction has ended (a later snapshot's
// xmin has passed a snapshot's xmax) and a complete pass after that has claimed, above the old floor,
// whatever they committed. A transaction draws the id a moment before it gets its transaction id (the
// id's default runs before the row is written), so the xmax that must be passed is read from a snapshot
// at least GRACE_MS after the candidate's. What a floor cannot know (a claim that expired because its
// relay died, events a sweeper put back, another relay's claim rolled back) a full pass from 0 finds:
// at start, after an error, and on every sweep (every ORDO_OUTBOX_RETRY_MS / 2).

/** How long after a candidate pass the snapshot whose xmax bars it is read (see above). */
export const GRACE_MS = 1_000;
/** Candidates kept at most (one per complete pass that saw a higher top; old ones go first). */
const MAX_CANDIDATES = 1_000;

/** What a claim's snapshot said: the highest event id it saw, its xmin and its xmax (transaction ids). */
export interface ClaimSnapshot {
  top: number;
  xmin: bigint;
  xmax: bigint;
}

interface Candidate {
  top: number;
  at: number;
  /** The xmax every transaction below which must have ended: read GRACE_MS or more after `at`. */
  bar: bigint | null;
}

export class ClaimFloor {
  private floor = 0;
  private full = true;
  /** Counts the rescans asked for: one asked while a pass ran (a sweep) is not cleared by that pass. */
  private asked = 0;
  private candidates: Candidate[] = [];

  /** What the next claim starts above (0: a full pass), and the token its `passed` gives back. */
  start(): { from: number; token: number } {
    return { from: this.full ? 0 : this.floor, token: this.asked };
  }

  /** The next pass looks at every unpublished event (after a sweep, an error). */
  rescan(): void {
    this.full = true;
    this.asked++;
  }

  /**
   * A pass that claimed all it could see above its `from` (fewer rows than its limit), in the snapshot
   * `snap`. Candidates whose transactions have all ended before this snapshot raise the floor: this pass
   * claimed, above the floor it started from, whatever those transactions committed.
   */
  passed(snap: ClaimSnapshot, token: number, now = Date.now()): void {
    for (const c of this.candidates) if (c.bar === null && now - c.at >= GRACE_MS) c.bar = snap.xmax;
    let floor = this.floor;
    this.candidates = this.candidates.filter((c) => {
      if (c.bar === null || snap.xmin < c.bar) return true;
      floor = Math.max(floor, c.top);
      return false;
    });
    this.floor = floor;
    if (token === this.asked) this.full = false;
    const last = this.candidates.at(-1);
    if (snap.top > Math.max(this.floor, last?.top ?? 0)) {
      this.candidates.push({ top: snap.top, at: now, bar: null });
      if (this.candidates.length > MAX_CANDIDATES) this.candidates.shift();
    }
  }
}
