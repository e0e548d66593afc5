/**
 * How much of a decoded message one log row draws, in characters. The whole message is decoded
 * (a reply is judged complete or not by all its bytes); only drawing is bounded, since a 1 MB
 * JSON line drawn in full would stall every scroll. Renderers call `take` for each piece of text
 * in reading order and stop once `exhausted`.
 */
export class DrawBudget {
  private drawn = 0;
  /** Something was left out. */
  cut = false;

  constructor(readonly limit: number) {}

  get exhausted(): boolean {
    return this.drawn >= this.limit;
  }

  /** `text`, or as much of it as the budget has left (then the budget counts as cut). */
  take(text: string): string {
    const left = this.limit - this.drawn;
    if (text.length <= left) {
      this.drawn += text.length;
      return text;
    }
    this.cut = true;
    this.drawn = this.limit;
    return text.slice(0, Math.max(0, left));
  }

  /** How many of `count` characters (or bytes drawn as text) fit, taken from the budget. */
  takeCount(count: number): number {
    const taken = Math.min(count, Math.max(0, this.limit - this.drawn));
    if (taken < count) this.cut = true;
    this.drawn += taken;
    return taken;
  }

  /** Marks the budget cut when there was more to draw after it ran out. */
  skip(): void {
    this.cut = true;
  }
}
