import { availableParallelism, cpus, totalmem } from 'node:os';

/** The machine the numbers were measured on. */
export function machine(): { cpu: string; cores: number; memoryGb: number; node: string; date: string } {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}
