// A text box that also takes a file: "Choose a file…" (the system's file picker) or a file dropped onto it. The
// file is read here, in the page; its text goes into the box like pasted text, and nothing else of it is kept.
import { useRef, useState, type DragEvent, type ReactNode } from 'react';

interface TextFileDropProps {
  /** The file's name and text. */
  onFile: (name: string, text: string) => void;
  /** What the picker offers first (`.json,.yaml,.yml`). */
  accept?: string;
  label: string;
  children: ReactNode;
}

/** Wraps a text box: a drop target around it and a picker button under it. */
export function TextFileDrop({ onFile, accept, label, children }: TextFileDropProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string>();
  const read = (file: File | undefined) => {
    if (!file) return;
    setProblem(undefined);
    const reader = new FileReader();
    reader.onload = () => onFile(file.name, String(reader.result ?? ''));
    reader.onerror = () => setProblem(`${file.name} could not be read: ${reader.error?.message ?? 'unknown error'}`);
    reader.readAsText(file);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    read(e.dataTransfer.files[0]);
  };
  return (
    <div
      className={over ? 'file-drop file-drop-over' : 'file-drop'}
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes('Files')) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {children}
      <div className="file-drop-actions">
        <button type="button" className="secondary small" onClick={() => input.current?.click()}>
          {label}
        </button>
        <span className="hint">or drop a file onto the box</span>
        <input
          ref={input}
          type="file"
          accept={accept}
          hidden
          aria-hidden="true"
          tabIndex={-1}
          onChange={(e) => {
            read(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </div>
      {problem && <p className="field-error" role="alert">{problem}</p>}
    </div>
  );
}
