// Whether a process still exists: signal 0 checks without sending anything. EPERM means it exists but belongs to
// another user.
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
