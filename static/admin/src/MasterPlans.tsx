import { token } from '@atlaskit/tokens';
import { Fragment, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { AnyRow } from '../../shared/admin-api';
import { EntityPage, type RowAction } from '../../shared/admin-entity-page';
import { look } from '../../shared/look';
import {
  masterControlsEntity,
  masterInstructionsEntity,
  masterPhasesEntity,
  masterPlansEntity,
  masterSequencesEntity,
  masterStepsEntity,
  type PlanRef,
} from './entities';

/**
 * Master plans as a drill-down: plans > sequences > phases > steps and controls > instructions.
 * Each level is the generic entity page scoped to its parent (list filter, parent fixed on
 * create); the breadcrumbs lead back up.
 */

interface Path {
  plan?: PlanRef;
  sequence?: PlanRef;
  phase?: PlanRef;
  step?: PlanRef;
}

const crumbStyles = {
  list: { ...look.list, display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: token('space.050', '0.25rem'), marginBottom: token('space.200', '1rem') },
  link: {
    font: 'inherit',
    padding: 0,
    border: 'none',
    background: 'none',
    color: token('color.link', '#1868DB'),
    textDecoration: 'underline',
    cursor: 'pointer',
  },
  separator: { color: token('color.text.subtlest', '#6B6E76') },
} satisfies Record<string, CSSProperties>;

function refOf(row: AnyRow, name: string): PlanRef {
  return { id: String(row.id), name };
}

function open(label: string, onOpen: (ref: PlanRef) => void): RowAction {
  return {
    label: 'Open',
    appearance: 'primary',
    ariaLabel: (_row, name) => `Open ${label} ${name}`,
    onClick: (row, name) => onOpen(refOf(row, name)),
  };
}

export function MasterPlans() {
  const [path, setPathNow] = useState<Path>({});
  const { plan, sequence, phase, step } = path;
  const levelRef = useRef<HTMLDivElement>(null);
  const moved = useRef(false);

  // The button that opened a level (or the crumb that went back) is gone with the level it was
  // on: the focus goes to the new level's heading, so the keyboard user starts from its top.
  const setPath = (next: Path) => {
    moved.current = true;
    setPathNow(next);
  };
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    levelRef.current?.querySelector<HTMLElement>('h2, h3')?.focus();
  }, [path]);

  const crumbs: Array<{ label: string; go: () => void }> = [{ label: 'Master plans', go: () => setPath({}) }];
  if (plan) crumbs.push({ label: plan.name, go: () => setPath({ plan }) });
  if (plan && sequence) crumbs.push({ label: sequence.name, go: () => setPath({ plan, sequence }) });
  if (plan && sequence && phase) crumbs.push({ label: phase.name, go: () => setPath({ plan, sequence, phase }) });
  if (plan && sequence && phase && step) crumbs.push({ label: step.name, go: () => setPath(path) });

  return (
    <div>
      {crumbs.length > 1 && (
        <nav aria-label="Master plan path">
          <ol style={crumbStyles.list}>
            {crumbs.map((crumb, index) => {
              const last = index === crumbs.length - 1;
              return (
                <Fragment key={`${index}-${crumb.label}`}>
                  {index > 0 && (
                    <li aria-hidden="true" style={crumbStyles.separator}>
                      ›
                    </li>
                  )}
                  <li>
                    {last ? (
                      <span aria-current="location">{crumb.label}</span>
                    ) : (
                      <button type="button" style={crumbStyles.link} onClick={crumb.go}>
                        {crumb.label}
                      </button>
                    )}
                  </li>
                </Fragment>
              );
            })}
          </ol>
        </nav>
      )}
      <div ref={levelRef}>
        <Level path={path} setPath={setPath} />
      </div>
    </div>
  );
}

function Level({ path, setPath }: { path: Path; setPath: (path: Path) => void }) {
  const { plan, sequence, phase, step } = path;
  const sequences = useMemo(() => (plan ? masterSequencesEntity(plan) : undefined), [plan]);
  const phases = useMemo(() => (sequence ? masterPhasesEntity(sequence) : undefined), [sequence]);
  const steps = useMemo(() => (phase && plan ? masterStepsEntity(phase, plan.id) : undefined), [phase, plan]);
  const controls = useMemo(() => (phase ? masterControlsEntity(phase) : undefined), [phase]);
  const instructions = useMemo(() => (step && phase ? masterInstructionsEntity(step, phase.id) : undefined), [step, phase]);

  if (plan && sequence && phase && step && instructions) {
    return <EntityPage key={step.id} descriptor={instructions} title={`Instructions of step ${step.name}`} />;
  }
  if (plan && sequence && phase && steps && controls) {
    return (
      <>
        <EntityPage
          key={`steps-${phase.id}`}
          descriptor={steps}
          title={`Steps of phase ${phase.name}`}
          rowActions={[
            {
              label: 'Open',
              appearance: 'primary',
              ariaLabel: (_row, name) => `Open step ${name}`,
              onClick: (row, name) => setPath({ plan, sequence, phase, step: refOf(row, name) }),
            },
          ]}
        />
        <EntityPage key={`controls-${phase.id}`} descriptor={controls} title={`Controls of phase ${phase.name}`} intro="Quality gates, signed off by IT and business validators." />
      </>
    );
  }
  if (plan && sequence && phases) {
    return (
      <EntityPage
        key={sequence.id}
        descriptor={phases}
        title={`Phases of sequence ${sequence.name}`}
        rowActions={[open('phase', (ref) => setPath({ plan, sequence, phase: ref }))]}
      />
    );
  }
  if (plan && sequences) {
    return (
      <EntityPage
        key={plan.id}
        descriptor={sequences}
        title={`Sequences of ${plan.name}`}
        rowActions={[open('sequence', (ref) => setPath({ plan, sequence: ref }))]}
      />
    );
  }
  return (
    <EntityPage
      key="plans"
      descriptor={masterPlansEntity}
      intro="Templates that iterations copy: open a plan to edit its sequences, phases, steps, instructions and controls."
      rowActions={[open('plan', (ref) => setPath({ plan: ref }))]}
    />
  );
}
