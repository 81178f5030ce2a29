#!/bin/sh
# Builds a minimal root filesystem from Debian's busybox-static: one static binary and its applet
# links, plus the few files a shell expects. No image registry is needed.
# usage: scripts/make-rootfs.sh DIR
set -eu
dir=${1:?usage: make-rootfs.sh DIR}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "make-rootfs: $busybox missing: apt-get install busybox-static" >&2; exit 1; }
file "$busybox" 2>/dev/null | grep -q 'statically linked' || ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
  { echo "make-rootfs: $busybox is not static: apt-get install busybox-static" >&2; exit 1; }

rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
cd "$dir.tmp"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root home run var/tmp
chmod 1777 tmp var/tmp
cp "$busybox" bin/busybox
# One link per applet, where busybox itself would put it.
for applet in $(bin/busybox --list-full); do
  [ -e "$applet" ] || ln -s /bin/busybox "$applet"
done
cat > etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > etc/group <<'G'
root:x:0:
tty:x:5:
nogroup:x:65534:
G
echo mydocker > etc/hostname
printf 'nameserver 10.0.2.3\n' > etc/resolv.conf
printf '127.0.0.1 localhost\n::1 localhost\n' > etc/hosts
cd - >/dev/null
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "rootfs ready: $dir ($(ls "$dir/bin" | wc -l) entries in /bin)"
