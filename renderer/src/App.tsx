import { useEffect, useRef } from 'react';
import { Sidebar } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { ConfirmDialog } from './components/ConfirmDialog';
import { isSaveShortcut, submitOpenForm } from './components/keyboard';
import { gatehouse } from './api/gatehouse-api';
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

  // Ctrl/Cmd+S saves the open form; the app menu's Save and Import arrive as commands.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (!isSaveShortcut(e) || useConfirmStore.getState().open) return;
      e.preventDefault();
      submitOpenForm();
    };
    window.addEventListener('keydown', onKeyDown);
    const offCommand = gatehouse().on('menu-command', (command) => {
      if (useConfirmStore.getState().open) return;
      if (command === 'save') submitOpenForm();
      else void useNavigationStore.getState().navigate('import');
    });
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      offCommand();
    };
  }, []);

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
