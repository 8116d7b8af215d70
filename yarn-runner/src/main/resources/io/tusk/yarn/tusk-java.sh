#!/usr/bin/env bash
# Starts one of Tusk's JVMs in a YARN container from a class-data archive.
#   tusk-java.sh <role> <java> <java arguments...>
#
# The first container of a role on a node runs its JVM with -XX:ArchiveClassesAtExit: when the JVM
# ends normally, the classes it loaded from Tusk's jars are written into an archive in the user's
# directory of the node manager's local directory (beside YARN's file cache of the user). Later
# containers of that role map those classes from the archive instead of loading and verifying them
# from the jars again, and start sooner. An archive is named by a checksum of the role, the JVM's
# files and the localized jars' names, sizes and modification times, so a new build, jars localized
# again or another JVM make a new one; the JVM checks an archive itself as well and runs without it
# when it does not match. The JVM is given the jars by their files in the node's cache (where the
# container's links lead). Archives unused for two weeks are deleted. Where no archive can be kept
# (no local directory, no GNU stat, jars localized for one application only because their
# directory is not public, options that set class-data sharing themselves) the JVM runs as it is.
set -u
role=$1
java=$2
shift 2

plain() {
  exec "$java" "$@"
}

for argument in "$@"; do
  case $argument in
    -Xshare:* | *SharedArchiveFile* | *ArchiveClassesAtExit*) plain "$@" ;;
  esac
done
real_java=$(readlink -f "$java" 2> /dev/null)
if [[ -z ${LOCAL_DIRS:-} || -z $real_java ]] || ! stat -L -c '%s %Y' "$real_java" > /dev/null 2>&1; then
  plain "$@"
fi

# The JVM checks an archive's class path by the jars' paths: the jars' own files in the node's cache
# are the same in every container of the node, the links to them in the container's directory are
# not. One readlink and one stat for all jars: a process each would cost more than the archive saves.
arguments=("$@")
classpath=
for ((i = 0; i + 1 < ${#arguments[@]}; i++)); do
  case ${arguments[i]} in
    -cp | -classpath | --class-path)
      IFS=: read -ra entries <<< "${arguments[i + 1]}"
      jars=()
      for entry in "${entries[@]}"; do
        [[ $entry == *.jar ]] && jars+=("$entry")
      done
      [[ ${#jars[@]} -gt 0 ]] || plain "$@"
      # classes come from the jars: a directory before one of them counts as used, and the JVM writes
      # no archive of a class path with a used directory that is not empty
      last_jar=-1
      for ((e = 0; e < ${#entries[@]}; e++)); do
        [[ ${entries[e]} == *.jar ]] && last_jar=$e
      done
      for ((e = 0; e < last_jar; e++)); do
        if [[ ${entries[e]} != *.jar && -d ${entries[e]} ]]; then
          contents=$(shopt -s nullglob dotglob; printf '%s' "${entries[e]}"/*)
          [[ -n $contents ]] && plain "$@"
        fi
      done
      mapfile -t files < <(readlink -f -- "${jars[@]}" 2> /dev/null)
      [[ ${#files[@]} -eq ${#jars[@]} ]] || plain "$@"
      j=0
      for entry in "${entries[@]}"; do
        if [[ $entry == *.jar ]]; then
          entry=${files[j]}
          j=$((j + 1))
          # localized for this application only: an archive would serve no other
          [[ $entry == */appcache/* ]] && plain "$@"
        fi
        classpath="${classpath:+$classpath:}$entry"
      done
      arguments[i + 1]=$classpath
      ;;
  esac
done
[[ -n $classpath ]] || plain "$@"
# LOCAL_DIRS: <local dir>/usercache/<user>/appcache/<application>, one per local directory of the node
user_dir=$(cd "${LOCAL_DIRS%%,*}/../.." 2> /dev/null && pwd) || plain "$@"
directory="$user_dir/tusk-class-data"
if ! mkdir -p "$directory" 2> /dev/null || [[ ! -w $directory ]]; then
  plain "$@"
fi

key=$(
  echo "$role"
  echo "$real_java"
  # the JVM's program, its classes, and its own class-data archive (which an archive rests on)
  stat -L -c '%s %Y' "$real_java" "$(dirname "$real_java")/../lib/modules" "$(dirname "$real_java")/../lib/server/classes.jsa" 2> /dev/null
  stat -L -c '%n %s %Y' "${files[@]}" 2> /dev/null
)
archive="$directory/$role-$(printf '%s' "$key" | cksum | cut -d' ' -f1).jsa"

if [[ -s $archive ]]; then
  # used: kept from the clean-up below
  touch -c "$archive" 2> /dev/null
  exec "$java" -XX:SharedArchiveFile="$archive" "${arguments[@]}"
fi
# A JVM that still cannot write an archive of its class path (a class loaded from a non-empty
# directory after the jars) ends with status 1 and without one: its key is marked and later JVMs
# run as they are. It is never run again here: it may have done its work before it failed to write.
if [[ -e $archive.failed ]]; then
  plain "$@"
fi
partial="$archive.${CONTAINER_ID:-$$}.tmp"
# the classes that cannot be archived (old class files, generated accessors) are no warning of the job's
"$java" -XX:ArchiveClassesAtExit="$partial" -Xlog:cds=off "${arguments[@]}"
status=$?
if [[ $status == 0 && -s $partial ]]; then
  mv -f "$partial" "$archive"
else
  if [[ $status == 1 && ! -s $partial ]]; then
    touch "$archive.failed" 2> /dev/null
  fi
  rm -f "$partial"
fi
find "$directory" -maxdepth 1 \( -name '*.jsa' -mtime +14 -o -name '*.failed' -mtime +14 -o -name '*.tmp' -mmin +120 \) -delete 2> /dev/null
exit $status
