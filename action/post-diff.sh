#!/usr/bin/env bash
# Post what a pull request does to the SecID graph as a comment on it (action.yml's step).
#
# Environment: REGISTRY (folder, relative to the checkout), BASE_SHA (the pull request's
# base commit), PR_NUMBER, GITHUB_REPOSITORY, GH_TOKEN (for gh), FAIL_ON_REVIEW ("true":
# exit 1 when a resolution changed or something was lost, after commenting). The comment
# starts with a marker and replaces the last comment that starts with it, so a pull
# request carries one diff, not one per push, and no other comment is ever edited.
set -euo pipefail

: "${REGISTRY:?}" "${BASE_SHA:?}" "${PR_NUMBER:?}" "${GITHUB_REPOSITORY:?}"
marker='<!-- secid-rdf diff -->'
if ! git cat-file -e "${BASE_SHA}^{commit}" 2>/dev/null; then
    git fetch --quiet --no-tags --depth=1 origin "$BASE_SHA"
fi
status=0
secid-rdf diff "$BASE_SHA" "$REGISTRY" --format markdown -o secid-rdf-diff.md --quiet || status=$?
if [ "$status" -ge 2 ]; then
    exit "$status"
fi
{ printf '%s\n' "$marker"; cat secid-rdf-diff.md; } > secid-rdf-comment.md
comments="repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments"
earlier=$(gh api --paginate "$comments" \
    --jq "[.[] | select(.body | startswith(\"$marker\"))] | last | .id // empty" | tail -n 1)
if [ -n "$earlier" ]; then
    gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$earlier" \
        -F body=@secid-rdf-comment.md > /dev/null
else
    gh pr comment "$PR_NUMBER" --body-file secid-rdf-comment.md
fi
if [ "${FAIL_ON_REVIEW:-false}" = true ]; then
    exit "$status"
fi
