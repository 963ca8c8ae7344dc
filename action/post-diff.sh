#!/usr/bin/env bash
# Post what a pull request does to the SecID graph as a comment on it (action.yml's step).
#
# Environment: REGISTRY (folder, relative to the checkout), BASE_SHA (the pull request's
# base commit), PR_NUMBER, GH_TOKEN (for gh), FAIL_ON_REVIEW ("true": exit 1 when a
# resolution changed or something was lost, after commenting). The comment replaces the
# last one this token wrote, so a pull request carries one diff, not one per push.
set -euo pipefail

: "${REGISTRY:?}" "${BASE_SHA:?}" "${PR_NUMBER:?}"
if ! git cat-file -e "${BASE_SHA}^{commit}" 2>/dev/null; then
    git fetch --quiet --no-tags --depth=1 origin "$BASE_SHA"
fi
status=0
secid-rdf diff "$BASE_SHA" "$REGISTRY" --format markdown -o secid-rdf-diff.md --quiet || status=$?
if [ "$status" -ge 2 ]; then
    exit "$status"
fi
gh pr comment "$PR_NUMBER" --edit-last --body-file secid-rdf-diff.md 2>/dev/null \
    || gh pr comment "$PR_NUMBER" --body-file secid-rdf-diff.md
if [ "${FAIL_ON_REVIEW:-false}" = true ]; then
    exit "$status"
fi
