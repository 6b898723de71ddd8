import { useEffect } from 'preact/hooks';
import { api, can, type Me } from '../api.ts';
import { navigate } from '../router.ts';
import { ago, Empty, ErrorBox, isTyping, Loading, PageHeader, useAction, useAsync } from '../ui.tsx';
import { CaseTable } from './sessions.tsx';

export function QueuePage({ me }: { me: Me }) {
  const { data, error, loading, reload } = useAsync(() => api('GET', '/review-queue?limit=100'), []);
  const action = useAction();
  const isReviewer = can(me, 'reviewer');
  const start = () =>
    action.run(async () => {
      const next = await api('POST', '/review-queue/next');
      if (next.id) navigate(`/sessions/${next.id}?queue=1`);
      else reload();
    });
  // "n" starts here as it moves on in a case, so a whole queue is worked from the keyboard.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'n' || !isReviewer || action.busy || isTyping(e) || e.ctrlKey || e.metaKey || e.altKey)
        return;
      e.preventDefault();
      void start();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  return (
    <section>
      <PageHeader title="Review queue">
        {isReviewer && (
          <button type="button" onClick={start} disabled={action.busy || data?.total === 0}>
            Start reviewing: claim the oldest case <kbd>n</kbd>
          </button>
        )}
      </PageHeader>
      <p class="muted">
        Sessions waiting for a person, oldest first. Claiming a case keeps other reviewers off it for 30
        minutes; a decision releases it. In a case: <kbd>a</kbd> approve, <kbd>d</kbd> decline, <kbd>r</kbd>{' '}
        resubmission, <kbd>n</kbd> next case.
      </p>
      <ErrorBox error={error ?? action.error} />
      {loading && !data && <Loading />}
      {data &&
        (data.data.length === 0 ? (
          <Empty>Nothing waits for review.</Empty>
        ) : (
          <>
            <p class="muted" aria-live="polite">
              {data.total} waiting
            </p>
            <CaseTable
              rows={data.data.map((i: any) => ({ ...i.case, waited: i.enteredReviewAt }))}
              extra={(c: any) => {
                const item = data.data.find((i: any) => i.id === c.id);
                const mine = item.claim?.claimedBy === `staff:${me.user.id}`;
                return (
                  <span>
                    {item.claim ? (
                      <span class={mine ? 'claim-chip mine' : 'claim-chip'}>
                        {mine ? 'you' : (item.claim.claimedByLabel ?? item.claim.claimedBy)}
                      </span>
                    ) : (
                      <span class="muted">unclaimed</span>
                    )}{' '}
                    <span class="muted">waiting {ago(item.enteredReviewAt)}</span>
                    {isReviewer && !item.claim && (
                      <button
                        type="button"
                        class="small"
                        onClick={() =>
                          action.run(async () => {
                            await api('POST', `/review-queue/${c.id}/claim`);
                            navigate(`/sessions/${c.id}?queue=1`);
                          })
                        }
                        aria-label={`Claim ${c.id}`}
                      >
                        Claim
                      </button>
                    )}
                    {isReviewer && item.claim && (mine || me.user.role === 'admin') && (
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() =>
                          action.run(async () => {
                            await api('DELETE', `/review-queue/${c.id}/claim`);
                            reload();
                          })
                        }
                        aria-label={`Release ${c.id}`}
                      >
                        Release
                      </button>
                    )}
                  </span>
                );
              }}
            />
          </>
        ))}
    </section>
  );
}
