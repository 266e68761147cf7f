/** The time as the provider sees it. Injected, so a test can move it without sleeping. */
export interface Clock {
  /** Epoch seconds: the unit of every time column and every JWT time claim. */
  nowSeconds(): number;
}

export const systemClock: Clock = {
  nowSeconds: () => Math.floor(Date.now() / 1000),
};
