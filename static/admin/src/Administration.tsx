import { token } from '@atlaskit/tokens';
import { useId, useState, type CSSProperties } from 'react';
import type { AnyRow } from '../../shared/admin-api';
import { EntityPage } from '../../shared/admin-entity-page';
import { AddFromConfluence } from './AddFromConfluence';
import { ControlValidators } from './ControlValidators';
import * as entities from './entities';
import { Imports } from './Imports';
import { MasterPlans } from './MasterPlans';
import { Outbox } from './Outbox';
import { PlanInstancesDialog } from './PlanInstancesDialog';

/**
 * The administration page: a section list on the left, one section at a time on the right.
 * Every section is the generic entity page; master plans add a drill-down and iterations the
 * creation of plan instances.
 */

type SectionId =
  | 'users'
  | 'teams'
  | 'migrations'
  | 'iterations'
  | 'masterPlans'
  | 'applications'
  | 'environments'
  | 'labels'
  | 'iterationTypes'
  | 'migrationTypes'
  | 'stepTypes'
  | 'statuses'
  | 'systemConfiguration'
  | 'emailTemplates'
  | 'imports'
  | 'controlValidators'
  | 'emailOutbox';

const SECTIONS: ReadonlyArray<{ group: string; items: ReadonlyArray<{ id: SectionId; label: string }> }> = [
  {
    group: 'People',
    items: [
      { id: 'users', label: 'Users' },
      { id: 'teams', label: 'Teams' },
    ],
  },
  {
    group: 'Migrations',
    items: [
      { id: 'migrations', label: 'Migrations' },
      { id: 'iterations', label: 'Iterations' },
      { id: 'masterPlans', label: 'Master plans' },
      { id: 'imports', label: 'Imports' },
      { id: 'controlValidators', label: 'Control validators' },
    ],
  },
  {
    group: 'Catalog',
    items: [
      { id: 'applications', label: 'Applications' },
      { id: 'environments', label: 'Environments' },
      { id: 'labels', label: 'Labels' },
    ],
  },
  {
    group: 'Reference data',
    items: [
      { id: 'iterationTypes', label: 'Iteration types' },
      { id: 'migrationTypes', label: 'Migration types' },
      { id: 'stepTypes', label: 'Step types' },
      { id: 'statuses', label: 'Statuses' },
    ],
  },
  {
    group: 'System',
    items: [
      { id: 'systemConfiguration', label: 'System configuration' },
      { id: 'emailTemplates', label: 'Email templates' },
      { id: 'emailOutbox', label: 'Email outbox' },
    ],
  },
];

const layout = {
  page: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-start', gap: token('space.300', '1.5rem') },
  nav: { flex: '0 0 12rem', minWidth: '10rem' },
  main: { flex: '1 1 40rem', minWidth: 0 },
  group: {
    margin: `${token('space.150', '0.75rem')} 0 ${token('space.050', '0.25rem')}`,
    color: token('color.text.subtlest', '#6B6E76'),
    font: token('font.heading.xxsmall', 'normal 653 0.75rem/1rem ui-sans-serif, -apple-system, "Segoe UI", sans-serif'),
    textTransform: 'uppercase',
  },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'block',
    width: '100%',
    textAlign: 'left',
    font: 'inherit',
    padding: `${token('space.075', '0.375rem')} ${token('space.100', '0.5rem')}`,
    border: 'none',
    borderRadius: token('radius.small', '0.25rem'),
    backgroundColor: 'transparent',
    color: token('color.text.subtle', '#505258'),
    fontWeight: 400,
    cursor: 'pointer',
  },
  current: {
    backgroundColor: token('color.background.selected', '#E9F2FE'),
    color: token('color.text.selected', '#1868DB'),
    fontWeight: 600,
  },
} satisfies Record<string, CSSProperties>;

export function Administration() {
  const [section, setSection] = useState<SectionId>('users');
  const navId = useId();
  return (
    <div style={layout.page}>
      <nav aria-label="Administration sections" style={layout.nav}>
        {SECTIONS.map((group, index) => (
          <div key={group.group}>
            {/* An id without spaces: aria-labelledby takes a list of ids separated by spaces. */}
            <p style={layout.group} id={`${navId}-group-${index}`}>
              {group.group}
            </p>
            <ul style={layout.list} aria-labelledby={`${navId}-group-${index}`}>
              {group.items.map((item) => (
                <li key={item.id}>
                  <button
                    type="button"
                    style={{ ...layout.item, ...(item.id === section ? layout.current : {}) }}
                    aria-current={item.id === section ? 'page' : undefined}
                    onClick={() => setSection(item.id)}
                  >
                    {item.label}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <div style={layout.main}>
        <Section id={section} />
      </div>
    </div>
  );
}

function Section({ id }: { id: SectionId }) {
  switch (id) {
    case 'users':
    case 'teams':
      return <PeopleSection id={id} />;
    case 'migrations':
      return <EntityPage key={id} descriptor={entities.migrationsEntity} />;
    case 'iterations':
      return <IterationsSection />;
    case 'masterPlans':
      return <MasterPlans />;
    case 'applications':
      return <EntityPage key={id} descriptor={entities.applicationsEntity} />;
    case 'environments':
      return <EntityPage key={id} descriptor={entities.environmentsEntity} />;
    case 'labels':
      return <EntityPage key={id} descriptor={entities.labelsEntity} intro="Labels group steps, applications and controls within a migration." />;
    case 'iterationTypes':
      return <EntityPage key={id} descriptor={entities.iterationTypesEntity} />;
    case 'migrationTypes':
      return <EntityPage key={id} descriptor={entities.migrationTypesEntity} />;
    case 'stepTypes':
      return <EntityPage key={id} descriptor={entities.stepTypesEntity} />;
    case 'statuses':
      return <EntityPage key={id} descriptor={entities.statusesEntity} intro="Built-in statuses can change colour only." />;
    case 'systemConfiguration':
      return <EntityPage key={id} descriptor={entities.systemConfigurationEntity} title="System configuration" />;
    case 'emailTemplates':
      return <EntityPage key={id} descriptor={entities.emailTemplatesEntity} />;
    case 'imports':
      return <Imports />;
    case 'controlValidators':
      return <ControlValidators />;
    case 'emailOutbox':
      return <Outbox />;
  }
}

/**
 * Users and teams, with "Add people from Confluence" above the list. Newcomers who registered
 * themselves wait, inactive, until an administrator sets them Active here.
 */
function PeopleSection({ id }: { id: 'users' | 'teams' }) {
  const [added, setAdded] = useState(0);
  return (
    <>
      <AddFromConfluence onAdded={() => setAdded((count) => count + 1)} />
      {id === 'users' ? (
        <EntityPage
          key={`users-${added}`}
          descriptor={entities.usersEntity}
          intro="People who use UMIG, with their role and teams. People who opened UMIG on their own join inactive when newcomers wait for approval (system configuration people.newcomerAccess): set them Active to approve them."
        />
      ) : (
        <EntityPage key={`teams-${added}`} descriptor={entities.teamsEntity} intro="Teams own and take part in steps; their members see their steps first." />
      )}
    </>
  );
}

function IterationsSection() {
  const [iteration, setIteration] = useState<AnyRow>();
  return (
    <>
      <EntityPage
        descriptor={entities.iterationsEntity}
        intro="Each iteration (a dress rehearsal, the cutover…) runs plan instances copied from a master plan."
        rowActions={[{ label: 'Plan instances', ariaLabel: (_row, name) => `Plan instances of ${name}`, onClick: setIteration }]}
      />
      {iteration && (
        <PlanInstancesDialog
          iteration={{ id: String(iteration.id), name: String(iteration.name), masterPlanId: typeof iteration.masterPlanId === 'string' ? iteration.masterPlanId : null }}
          onClose={() => setIteration(undefined)}
        />
      )}
    </>
  );
}
