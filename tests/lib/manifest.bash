# shellcheck shell=bash
# Reader of labs/manifest for shell scripts; tui/manifest.c is the reader for
# the program. Both follow the format documented at the top of the manifest:
#   id  slug  lesson  points  student-files  title...

MANIFEST=${MANIFEST:-${MMAPLAB_ROOT:?}/labs/manifest}

# manifest_each: print "id slug lesson points files title" lines, comments
# and blank lines removed.
manifest_each() {
    local id slug lesson points files title
    while read -r id slug lesson points files title; do
        [[ -z $id || $id == \#* ]] && continue
        printf '%s %s %s %s %s %s\n' "$id" "$slug" "$lesson" "$points" "$files" "$title"
    done <"$MANIFEST"
}

# manifest_lookup ID: set M_SLUG M_LESSON M_POINTS M_FILES M_TITLE.
manifest_lookup() {
    local id slug lesson points files title
    while read -r id slug lesson points files title; do
        [[ -z $id || $id == \#* ]] && continue
        if [[ $id == "$1" ]]; then
            # shellcheck disable=SC2034 # the results, read by the caller
            M_SLUG=$slug M_LESSON=$lesson M_POINTS=$points M_FILES=$files M_TITLE=$title
            return 0
        fi
    done <"$MANIFEST"
    return 1
}
