import ModalDialog, { type ModalDialogProps } from '@atlaskit/modal-dialog';
import { useEffect, useState } from 'react';

/**
 * Atlaskit's ModalDialog, made to survive React 18 StrictMode in development builds (vite serve,
 * or a build made with NODE_ENV other than production). StrictMode runs a new component's effects
 * twice; @atlaskit/portal 7 removes its container on the simulated unmount and attaches it again
 * only when it renders, so a dialog would stay detached and invisible. The portal mounts one
 * commit after the dialog (it waits for an effect), so two renders after mount re-attach it. In
 * production builds these are two cheap renders.
 */
const RENDERS_AFTER_MOUNT = 2;

export function AdminModal(props: ModalDialogProps) {
  const [renders, setRenders] = useState(0);
  useEffect(() => {
    if (renders < RENDERS_AFTER_MOUNT) setRenders(renders + 1);
  }, [renders]);
  return <ModalDialog {...props} />;
}
