import { useEffect, useState } from 'react';

/** The time now, in ms since the epoch, renewed every second while `ticking` (a "sent N s ago" counting up). */
export function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
