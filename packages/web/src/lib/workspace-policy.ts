import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

/** The workspace's policy document (`GET /api/v1/policy` → `policy`): which sections it has says what it offers. */
export type WorkspacePolicy = Readonly<Record<string, unknown>>;

/**
 * The policy of the workspace the session acts in, fetched again when the workspace changes; null until it is known
 * (or when it cannot be read). Every member may read it.
 */
export function useWorkspacePolicy(workspace: string | null): WorkspacePolicy | null {
  const [loaded, setLoaded] = useState<{ workspace: string | null; policy: WorkspacePolicy | null }>({
    workspace: null,
    policy: null,
  });
  useEffect(() => {
    if (workspace === null) return;
    let current = true;
    void api.GET('/api/v1/policy').then(({ data }) => {
      if (current) setLoaded({ workspace, policy: data?.policy ?? null });
    });
    return () => {
      current = false;
    };
  }, [workspace]);
  // A policy of the workspace left behind offers nothing in this one.
  return loaded.workspace === workspace ? loaded.policy : null;
}
