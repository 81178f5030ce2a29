# Sourced by the scripts that run containers (make test, make bench, make test-engines, make test-faults).
# A deleted container leaves its parent cgroup (/mydocker of "/mydocker/<id>", /docker of dockerd's
# paths) for the next one, as runc, crun and Docker leave theirs (FsCgroupManager.Destroy). A run of
# tests or benchmarks that made such a parent removes it at the end, when it is empty, so the host is
# left as it was found.
#
#   cgroup_parents_note mydocker docker     # before: remember which of these exist
#   cgroup_parents_restore                  # after: rmdir the ones that did not (only if empty)

cgroup_parents_list() {
  for name in $CGROUP_PARENT_NAMES; do
    for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do [ -d "$d" ] && echo "$d"; done
  done
  return 0
}

cgroup_parents_note() {
  CGROUP_PARENT_NAMES=$*
  CGROUP_PARENTS_BEFORE=" $(cgroup_parents_list | tr '\n' ' ') "
}

cgroup_parents_restore() {
  for d in $(cgroup_parents_list); do
    case $CGROUP_PARENTS_BEFORE in *" $d "*) ;; *) rmdir "$d" 2>/dev/null ;; esac
  done
  return 0
}
