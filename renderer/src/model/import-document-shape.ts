// What the Import screen needs to know of a pasted document before main reads it: whether it is a Kyma
// Application (and names itself), and whether it holds a Secret with `data` (base64 that the docs' placeholders
// invite the user to fill with plain text). Main's import decides what the document is; this only chooses which
// fields the screen offers, so a document it cannot read yet simply offers none of them.
import { Parser, parseAllDocuments } from 'yaml';
import { replacePlaceholders } from '../../../gateway/config/placeholders';
import { MAX_DOCUMENT_DEPTH, yamlNestsDeeperThan } from '../../../gateway/config/yaml-depth';

export interface ImportDocumentShape {
  /** A Kyma Application or a bare `services:` list: the import creates an application. */
  kymaApplication: boolean;
  /** The application's own `metadata.name`, when the document gives one. */
  applicationName: string | undefined;
  /** A Kubernetes Secret with values under `data`. */
  secretData: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function importDocumentShape(text: string): ImportDocumentShape {
  const shape: ImportDocumentShape = { kymaApplication: false, applicationName: undefined, secretData: false };
  // Placeholders such as {MY_PASSWORD} would read as YAML flow maps; any plain word stands in for them.
  const plain = replacePlaceholders(text, () => 'placeholder');
  // Too deep for yaml to compose safely: main refuses it with the reason; no fields to offer meanwhile.
  if (yamlNestsDeeperThan(plain, Parser, MAX_DOCUMENT_DEPTH)) return shape;
  const documents = parseAllDocuments(plain);
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    if (document.errors.length > 0) continue;
    const doc: unknown = document.toJS();
    if (!isObject(doc)) continue;
    if (doc.kind === 'Secret' && isObject(doc.data) && Object.keys(doc.data).length > 0) shape.secretData = true;
    if (doc.kind === 'Application' || (doc.kind === undefined && Array.isArray(doc.services) && !('uri' in doc))) {
      shape.kymaApplication = true;
      const name = isObject(doc.metadata) ? doc.metadata.name : undefined;
      if (typeof name === 'string' && name !== '') shape.applicationName = name;
    }
  }
  return shape;
}
