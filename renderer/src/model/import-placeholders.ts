// The Import screen's view of a document's placeholders: the names main's import fills in (one shared rule,
// gateway/config/placeholders), each as the document writes it and whether its value is a credential.
import { findPlaceholders as placeholderNames } from '../../../gateway/config/placeholders';

export interface Placeholder {
  name: string;
  /** As written in the document (`{{ServiceName}}` or `{MY_SECRET_NAME}`), so the field is labelled the way the user sees it there. */
  written: string;
  /** Its value is a credential (a password, secret, token or key): entered like a password. */
  secret: boolean;
}

/** The placeholders in the text, in order of appearance, each once. */
export function findPlaceholders(text: string): Placeholder[] {
  return placeholderNames(text).map((name) => ({
    name,
    written: new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`).test(text) ? `{{${name}}}` : `{${name}}`,
    secret: /pass|token|credential|private|(^|_)(secret|key)$/i.test(name) && !/name$/i.test(name),
  }));
}
