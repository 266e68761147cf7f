// autocannon ships no type declarations; these cover what the load process uses.
declare module 'autocannon' {
  namespace autocannon {
    type Request = Record<string, unknown>;
    interface Histogram {
      p50: number;
      p99: number;
      average: number;
    }
    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      latency: Histogram;
      requests: Histogram & { total: number };
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      overallRate?: number;
      requests?: Request[];
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
