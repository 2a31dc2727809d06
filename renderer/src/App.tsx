import { useEffect, useRef } from 'react';
import { Sidebar } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { ConfirmDialog } from './components/ConfirmDialog';
import { VaultBanner, WorkspaceBanner } from './components/Banners';
import { SCREENS } from './screens/registry';
import { useConfirmStore } from './state/confirm-store';
import { hasUnsavedChanges, useNavigationStore } from './state/navigation-store';
import { useStatusStore } from './state/status-store';
import { useWorkspaceStore } from './state/workspace-store';

export function App() {
  const connect = useStatusStore((s) => s.connect);
  const loadWorkspace = useWorkspaceStore((s) => s.load);
  const screen = useNavigationStore((s) => s.screen);
  const dialogOpen = useConfirmStore((s) => s.open !== undefined);
  const mainRef = useRef<HTMLElement>(null);
  const firstScreen = useRef(true);

  useEffect(() => connect(), [connect]);
  const listenWorkspace = useWorkspaceStore((s) => s.listen);
  useEffect(() => void loadWorkspace(), [loadWorkspace]);
  useEffect(() => listenWorkspace(), [listenWorkspace]);

  // Closing or reloading the window with unsaved changes asks first.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!hasUnsavedChanges()) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  // After navigating, focus moves to the new screen's title so it is announced.
  useEffect(() => {
    if (firstScreen.current) {
      firstScreen.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [screen]);

  const Screen = (SCREENS.find((s) => s.id === screen) ?? SCREENS[0]!).Component;
  return (
    <>
      <div className="app" inert={dialogOpen}>
        <Sidebar screens={SCREENS} />
        <div className="workspace-area">
          <div className="banners">
            <VaultBanner />
            <WorkspaceBanner />
          </div>
          <main ref={mainRef} className="content">
            <Screen />
          </main>
        </div>
        <StatusBar />
      </div>
      <ConfirmDialog />
    </>
  );
}
