import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { emailTemplates } from '../../db/schema';
import { isAdministrator } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import type { ServiceContext } from '../context';

/**
 * Email templates (email_templates_emt): subject, HTML body and text body with {{variable}}
 * placeholders. Templates are written by administrators and trusted as HTML; the values put into
 * them come from runsheet data typed by anyone, so they are escaped in the HTML body and stripped
 * of line breaks in the subject (a newline there would start a new mail header).
 */

/** Every variable a template may use, with what it holds (shown by the admin screen). */
export const TEMPLATE_VARIABLES = {
  stepCode: 'Step code, e.g. TRT-010',
  stepName: 'Step name',
  statusFrom: 'Step status before the change',
  statusTo: 'Step status after the change',
  actorName: 'Name of the person who made the change',
  actorCode: 'Their three-letter user code',
  iterationName: 'Iteration name',
  migrationName: 'Migration name',
  phaseName: 'Phase name',
  pageUrl: 'Link to the runsheet page (setting confluence.pageBaseUrl with the iteration and step or control)',
  instructionText: 'Text of the instruction that was ticked or unticked',
  controlCode: 'Control code',
  controlName: 'Control name',
  slot: 'Validator slot of a verdict: IT or Business',
  verdict: 'Verdict: Approved or Rejected',
  comment: "The validator's comment",
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

export function isTemplateVariable(name: string): name is TemplateVariable {
  return Object.prototype.hasOwnProperty.call(TEMPLATE_VARIABLES, name);
}

/** Values a preview uses for variables the caller did not give. */
export const SAMPLE_VALUES: Readonly<Record<TemplateVariable, string>> = {
  stepCode: 'TRT-010',
  stepName: 'Stop the batch scheduler',
  statusFrom: 'To do',
  statusTo: 'In progress',
  actorName: 'Ada Byron',
  actorCode: 'ADB',
  iterationName: 'Dress rehearsal 1',
  migrationName: 'Core banking move',
  phaseName: 'Shutdown',
  pageUrl: 'https://example.atlassian.net/wiki/spaces/CUT/pages/123456?iterationId=…&stepId=…',
  instructionText: 'Check that no batch job is running',
  controlCode: 'C11',
  controlName: 'Backups verified',
  slot: 'IT',
  verdict: 'Approved',
  comment: 'All green',
};

export interface TemplateFields {
  subject: string | null | undefined;
  bodyHtml: string | null | undefined;
  bodyText: string | null | undefined;
}

export const MAX_SUBJECT_TEMPLATE_LENGTH = 1_000;
export const MAX_BODY_TEMPLATE_LENGTH = 100_000;
/** A rendered subject longer than this is cut: mail clients show far less anyway. */
const MAX_SUBJECT_LENGTH = 250;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const FIELD_LABEL: Record<keyof TemplateFields, string> = { subject: 'subject', bodyHtml: 'HTML body', bodyText: 'text body' };

/**
 * Refuses a template UMIG could not fill: an unknown {{variable}}, a "{{" that is never closed, a
 * subject on several lines or empty, no body at all, or a field too long. Throws VALIDATION naming
 * the field and the variable; returns the variables the template uses. Call it before saving a
 * template and before previewing one.
 */
export function validateTemplate(template: TemplateFields): { variables: TemplateVariable[] } {
  const used = new Set<TemplateVariable>();
  for (const field of ['subject', 'bodyHtml', 'bodyText'] as const) {
    const text = template[field] ?? '';
    const label = FIELD_LABEL[field];
    const max = field === 'subject' ? MAX_SUBJECT_TEMPLATE_LENGTH : MAX_BODY_TEMPLATE_LENGTH;
    if (text.length > max) throw domainError('VALIDATION', `The ${label} is longer than ${max} characters.`, { field });
    for (const match of text.matchAll(PLACEHOLDER)) {
      const name = match[1]!;
      if (!isTemplateVariable(name)) {
        throw domainError(
          'VALIDATION',
          `The ${label} uses the variable {{${name}}}, which UMIG does not know. Use one of: ${Object.keys(TEMPLATE_VARIABLES).join(', ')}.`,
          { field, variable: name },
        );
      }
      used.add(name);
    }
    if (text.replace(PLACEHOLDER, '').includes('{{')) {
      throw domainError('VALIDATION', `The ${label} has a "{{" that is not closed by "}}".`, { field });
    }
  }
  const subject = template.subject ?? '';
  if (subject.trim() === '') throw domainError('VALIDATION', 'The subject is empty.', { field: 'subject' });
  if (/[\r\n]/.test(subject)) throw domainError('VALIDATION', 'The subject must fit on one line.', { field: 'subject' });
  if (!(template.bodyHtml ?? '').trim() && !(template.bodyText ?? '').trim()) {
    throw domainError('VALIDATION', 'The template needs an HTML body or a text body.', { field: 'bodyHtml' });
  }
  return { variables: [...used].sort() };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML elements and quoted attributes; line breaks become <br>. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!).replace(/\r\n|\r|\n/g, '<br>');
}

/** One line without control characters: a CR or LF in a subject would inject mail headers. */
export function sanitizeSubject(value: string): string {
  // eslint-disable-next-line no-control-regex
  const line = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return line.length > MAX_SUBJECT_LENGTH ? `${line.slice(0, MAX_SUBJECT_LENGTH - 1)}…` : line;
}

function fill(text: string, values: TemplateValues, encode: (value: string) => string): string {
  // One pass: a value that itself contains {{…}} is not expanded again. A placeholder UMIG does
  // not know (a template saved around validateTemplate) stays visible rather than failing the
  // change that triggered the email.
  return text.replace(PLACEHOLDER, (whole, name: string) => (isTemplateVariable(name) ? encode(values[name] ?? '') : whole));
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Fills a template: values are HTML-escaped in the HTML body, left as they are in the text body. */
export function renderTemplate(template: TemplateFields, values: TemplateValues): RenderedEmail {
  return {
    subject: sanitizeSubject(fill(template.subject ?? '', values, (v) => v)),
    html: fill(template.bodyHtml ?? '', values, escapeHtml),
    text: fill(template.bodyText ?? '', values, (v) => v),
  };
}

const variablesInput = z
  .record(z.string().max(100), z.string().max(10_000))
  .refine((record) => Object.keys(record).length <= 50, 'Too many variables')
  .optional();

export const previewTemplateInput = z
  .strictObject({
    /** A stored template; subject/bodyHtml/bodyText given as well override it (unsaved edits). */
    templateId: z.uuid().optional(),
    subject: z.string().max(MAX_SUBJECT_TEMPLATE_LENGTH).optional(),
    bodyHtml: z.string().max(MAX_BODY_TEMPLATE_LENGTH).optional(),
    bodyText: z.string().max(MAX_BODY_TEMPLATE_LENGTH).optional(),
    /** Sample values; variables left out get SAMPLE_VALUES. */
    variables: variablesInput,
  })
  .refine((input) => input.templateId !== undefined || input.subject !== undefined, {
    message: 'Give a templateId, or the template fields (at least a subject) to preview',
  });
export type PreviewTemplateInput = z.output<typeof previewTemplateInput>;

export interface TemplatePreview extends RenderedEmail {
  variables: TemplateVariable[];
}

/** Renders a stored or unsaved template with sample values, refusing what saving would refuse. */
export async function previewTemplate(ctx: ServiceContext, input: PreviewTemplateInput): Promise<TemplatePreview> {
  if (!isAdministrator(ctx.actor)) throw domainError('FORBIDDEN', 'Only administrators can preview email templates.');
  let stored: TemplateFields = { subject: undefined, bodyHtml: undefined, bodyText: undefined };
  if (input.templateId !== undefined) {
    const [row] = await ctx.db
      .select({ subject: emailTemplates.subject, bodyHtml: emailTemplates.bodyHtml, bodyText: emailTemplates.bodyText })
      .from(emailTemplates)
      .where(eq(emailTemplates.id, input.templateId));
    if (!row) throw domainError('NOT_FOUND', 'That email template does not exist.');
    stored = row;
  }
  const template: TemplateFields = {
    subject: input.subject ?? stored.subject,
    bodyHtml: input.bodyHtml ?? stored.bodyHtml,
    bodyText: input.bodyText ?? stored.bodyText,
  };
  const { variables } = validateTemplate(template);
  const values: TemplateValues = { ...SAMPLE_VALUES };
  for (const [name, value] of Object.entries(input.variables ?? {})) {
    if (!isTemplateVariable(name)) {
      throw domainError('VALIDATION', `There is no template variable {{${name}}}.`, { variable: name });
    }
    values[name] = value;
  }
  return { ...renderTemplate(template, values), variables };
}
