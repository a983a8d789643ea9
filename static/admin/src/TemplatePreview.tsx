import Button from '@atlaskit/button/new';
import { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { useEffect, useId, useState } from 'react';
import { adminList, readProblem, type Problem } from '../../shared/admin-api';
import { ProblemMessage } from '../../shared/admin-dialogs';
import { AdminModal } from '../../shared/admin-modal';
import { umig, type UmigData } from '../../shared/api';
import { look } from '../../shared/look';
import { extraStyles as styles, menuPortal } from './admin-extras';

/**
 * Preview of a stored email template ('notifications/templates/preview'), rendered with the
 * service's sample values: the subject, the HTML body in a sandboxed frame (no scripts, no
 * same-origin access) and the text body.
 */

type Preview = UmigData<'notifications/templates/preview'>;

interface TemplateOption {
  label: string;
  value: string;
}

export function TemplatePreviewDialog({ onClose, templateId: initial }: { onClose: () => void; templateId?: string }) {
  const selectId = useId();
  const [templates, setTemplates] = useState<TemplateOption[]>();
  const [templateId, setTemplateId] = useState<string | undefined>(initial);
  const [preview, setPreview] = useState<Preview>();
  const [problem, setProblem] = useState<Problem>();
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let alive = true;
    adminList('emailTemplates')
      .then((rows) => {
        if (alive) setTemplates(rows.map((row) => ({ label: `${String(row.name)} (${String(row.type)})`, value: String(row.id) })));
      })
      .catch((error: unknown) => {
        if (alive) setProblem(readProblem(error));
      });
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    if (!templateId) return;
    let alive = true;
    setLoading(true);
    setProblem(undefined);
    umig('notifications/templates/preview', { templateId })
      .then((result) => {
        if (alive) setPreview(result);
      })
      .catch((error: unknown) => {
        if (alive) {
          setPreview(undefined);
          setProblem(readProblem(error));
        }
      })
      .finally(() => {
        if (alive) setLoading(false);
      });
    return () => {
      alive = false;
    };
  }, [templateId]);

  return (
    <AdminModal onClose={onClose} width="x-large" testId="template-preview-dialog">
      <ModalHeader>
        <ModalTitle>Email template preview</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <div style={styles.field}>
          <label htmlFor={selectId} style={styles.label}>
            Template
          </label>
          <Select<TemplateOption>
            inputId={selectId}
            options={templates ?? []}
            value={templates?.find((option) => option.value === templateId) ?? null}
            onChange={(option) => setTemplateId(option?.value)}
            isLoading={templates === undefined && !problem}
            placeholder="Choose a template…"
            menuPortalTarget={document.body}
            styles={menuPortal}
          />
        </div>
        {problem && <ProblemMessage problem={problem} />}
        {loading && <Spinner size="small" label="Rendering the preview" />}
        {preview && !loading && (
          <div data-testid="template-preview">
            <dl style={look.definitionList}>
              <dt style={look.term}>Subject</dt>
              <dd style={look.definition} data-testid="template-preview-subject">
                {preview.subject}
              </dd>
              <dt style={look.term}>Variables</dt>
              <dd style={look.definition}>{preview.variables.length > 0 ? preview.variables.map((name) => `{{${name}}}`).join(', ') : '—'}</dd>
            </dl>
            <h3 style={styles.subheading}>HTML body</h3>
            <iframe
              title="HTML body of the email"
              sandbox=""
              srcDoc={preview.html}
              style={{ width: '100%', height: '18rem', border: '1px solid #0B120E24', borderRadius: '0.375rem', backgroundColor: '#FFFFFF' }}
            />
            <h3 style={styles.subheading}>Text body</h3>
            <pre style={{ ...look.card, whiteSpace: 'pre-wrap', margin: 0 }} data-testid="template-preview-text">
              {preview.text}
            </pre>
          </div>
        )}
      </ModalBody>
      <ModalFooter>
        <Button onClick={onClose}>Close</Button>
      </ModalFooter>
    </AdminModal>
  );
}
