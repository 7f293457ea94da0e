/**
 * Thrown inside signature verification to stop at the first failed check; the verifier turns it into
 * a verdict (verified: false, reason) and never lets it escape. `reason` is shown on the promotion page.
 */
export class Rejection extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "Rejection";
  }
}

/** A signature that is not even well-formed: "not a valid signature: <what is wrong>". */
export function invalid(what: string): Rejection {
  return new Rejection(`not a valid signature: ${what}`);
}
