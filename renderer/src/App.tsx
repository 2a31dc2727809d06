import { useEffect } from 'react';
import { StatusBar } from './components/StatusBar';
import { TrafficScreen } from './screens/TrafficScreen';
import { useStatusStore } from './state/status-store';

export function App() {
  const connect = useStatusStore((s) => s.connect);
  useEffect(() => connect(), [connect]);
  return (
    <div className="app">
      <main className="content">
        <TrafficScreen />
      </main>
      <StatusBar />
    </div>
  );
}
