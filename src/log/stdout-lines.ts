import { writeSync } from 'node:fs';

/**
 * Log lines to stdout, written together at most `delayMs` after the first
 * of them (or at once past 64 KiB): under load one write carries the lines
 * of many requests instead of one system call each (stdout to a file or a
 * pipe is synchronous on Linux). What is pending when the process exits is
 * written before it goes.
 */
export function stdoutLines(delayMs = 10): (line: string) => void {
  let pending: string[] = [];
  let pendingChars = 0;
  let scheduled = false;

  const take = () => {
    const text = `${pending.join('\n')}\n`;
    pending = [];
    pendingChars = 0;
    return text;
  };
  const flush = () => {
    scheduled = false;
    if (pending.length > 0) process.stdout.write(take());
  };
  process.once('exit', () => {
    if (pending.length === 0) return;
    try {
      writeSync(1, take());
    } catch {
      // stdout is gone; nothing left to tell it
    }
  });

  return (line) => {
    pending.push(line);
    pendingChars += line.length;
    if (pendingChars > 65_536) return flush();
    if (scheduled) return;
    scheduled = true;
    setTimeout(flush, delayMs).unref();
  };
}
