# Shared by the interop scripts (sourced, not run): ports, a throwaway CA, packages, pid bookkeeping.
# The sourcing script sets NAME (its log prefix) and DIR (its working directory) before calling these.

log() { echo "$NAME: $*" >&2; }

# Installs Debian packages without letting their maintainer scripts start any server (a policy-rc.d that exits 101).
install_packages() {
    [[ $(id -u) == 0 ]] || { log "must run as root to install packages"; return 1; }
    export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
    if ! apt-cache show "$1" >/dev/null 2>&1; then
        apt-get update -qq
    fi
    local policy=/usr/sbin/policy-rc.d created_policy=
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && created_policy=1
    fi
    local status=0
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
    [[ -n $created_policy ]] && rm -f "$policy"
    return $status
}

# A system account (no home, no shell) for servers that need a real uid.
ensure_user() {
    id "$1" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$1"
}

# free_port VAR [SPAN]: sets VAR (a name, an array element too) to a free TCP port on 127.0.0.1, with SPAN-1 free
# ports after it when asked. Called as a command, not in $(...), so the ports handed out are remembered and never
# handed out twice; chosen below the kernel's ephemeral range (ip_local_port_range, from 32768 by default), so no
# server bound to port 0 by a test running meanwhile can take one before our server binds it. Names start with _fp_
# so that the caller's variable is not shadowed.
TAKEN_PORTS=" "
free_port() {
    local _fp_var=$1 _fp_span=${2:-1} _fp_low _fp_port _fp_i _fp_busy
    _fp_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    (( _fp_low > 12000 )) || _fp_low=32768
    for _ in $(seq 1 200); do
        _fp_port=$((10000 + RANDOM % (_fp_low - 10000 - _fp_span)))
        _fp_busy=
        for ((_fp_i = 0; _fp_i < _fp_span; _fp_i++)); do
            if [[ $TAKEN_PORTS == *" $((_fp_port + _fp_i)) "* || -n $(ss -Hltn "sport = :$((_fp_port + _fp_i))") ]]; then
                _fp_busy=1; break
            fi
        done
        if [[ -z $_fp_busy ]]; then
            for ((_fp_i = 0; _fp_i < _fp_span; _fp_i++)); do TAKEN_PORTS+="$((_fp_port + _fp_i)) "; done
            printf -v "$_fp_var" %s "$_fp_port"; return 0
        fi
    done
    log "no free port found"; return 1
}

# DIR/ca.pem + ca.key (a throwaway CA valid two days), and DIR/server.pem + server.key for localhost and 127.0.0.1;
# DIR/server-chain.pem is the certificate followed by the CA.
make_certificates() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=starttls-java interop CA" \
        -keyout "$DIR/ca.key" -out "$DIR/ca.pem" 2>/dev/null
    issue_certificate server localhost "DNS:localhost,IP:127.0.0.1"
    cat "$DIR/server.pem" "$DIR/ca.pem" > "$DIR/server-chain.pem"
    chmod 600 "$DIR/ca.key"
}

# For the ports that must be refused: DIR/wrong-host.pem (the CA's, for wrong.example), DIR/expired.pem (the CA's, for
# localhost, expired in 2020) and DIR/self-signed.pem (for localhost, signed by itself), each with its .key.
make_bad_certificates() {
    issue_certificate wrong-host wrong.example "DNS:wrong.example"
    issue_certificate expired localhost "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20200102000000Z
    self_signed_certificate self-signed localhost "DNS:localhost,IP:127.0.0.1"
}

# issue_certificate NAME CN SANS [STARTDATE ENDDATE]: DIR/NAME.pem + NAME.key signed by the CA (dates as YYYYMMDDHHMMSSZ,
# for a certificate that is already expired; openssl 3.0's x509 -req cannot set a start date, openssl ca can).
issue_certificate() {
    local name=$1 cn=$2 sans=$3
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
        -keyout "$DIR/$name.key" -out "$DIR/$name.csr" 2>/dev/null
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$sans" > "$DIR/$name.ext"
    if [[ $# == 5 ]]; then
        local ca=$DIR/ca-$name
        mkdir -p "$ca"
        : > "$ca/index.txt"
        echo 1000 > "$ca/serial"
        printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s\nnew_certs_dir=%s\nserial=%s\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' \
            "$ca/index.txt" "$ca" "$ca/serial" > "$ca/ca.cnf"
        openssl ca -batch -config "$ca/ca.cnf" -cert "$DIR/ca.pem" -keyfile "$DIR/ca.key" -in "$DIR/$name.csr" \
            -startdate "$4" -enddate "$5" -extfile "$DIR/$name.ext" -notext -out "$DIR/$name.pem" 2>/dev/null
    else
        openssl x509 -req -in "$DIR/$name.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -CAcreateserial -days 2 \
            -extfile "$DIR/$name.ext" -out "$DIR/$name.pem" 2>/dev/null
    fi
    chmod 600 "$DIR/$name.key"
}

# self_signed_certificate NAME CN SANS: DIR/NAME.pem + NAME.key, signed by itself (no CA anyone trusts).
self_signed_certificate() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$2" -addext "subjectAltName=$3" \
        -keyout "$DIR/$1.key" -out "$DIR/$1.pem" 2>/dev/null
    chmod 600 "$DIR/$1.key"
}

wait_listening() { # port name pid
    for _ in $(seq 1 100); do
        if [[ -n $(ss -Hltn "sport = :$1") ]]; then return 0; fi
        if ! alive "$3"; then log "$2 exited at start; see $DIR"; return 1; fi
        sleep 0.05
    done
    log "$2 is not listening on 127.0.0.1:$1 after 5 s"; return 1
}

# start_server NAME COMMAND...: starts a foreground server in its own session (setsid: it leads its own process
# group) with its output in DIR/NAME.out, and records its pid.
start_server() {
    local name=$1; shift
    setsid "$@" </dev/null >"$DIR/$name.out" 2>&1 &
    started "$name" $!
}

# wait_ports NAME PID PORT...: every port listening, or the server's output and logs, everything stopped, and failure.
wait_ports() {
    local name=$1 pid=$2 port; shift 2
    for port in "$@"; do
        if ! wait_listening "$port" "$name" "$pid"; then
            cat "$DIR/$name.out" "$DIR/$name.log" >&2 2>/dev/null || true
            stop_servers "$DIR"
            return 1
        fi
    done
}

# started NAME PID: records a server started with setsid (so it leads its own process group) in DIR/pids.
started() { echo "$2 $1" >> "$DIR/pids"; }

# Running, and not a zombie waiting for a parent that is gone.
alive() { local state; state=$(cut -d" " -f3 "/proc/$1/stat" 2>/dev/null) && [[ $state != Z ]]; }

# Stops exactly the process groups listed in DIR/pids (each server and the children it forked), TERM then KILL.
stop_servers() {
    local dir=$1 pid name
    [[ -f $dir/pids ]] || return 0
    while read -r pid name; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done < "$dir/pids"
    while read -r pid name; do
        for _ in $(seq 1 40); do alive "$pid" || break; sleep 0.05; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done < "$dir/pids"
    rm -f "$dir/pids"
}

# The usage every script shares: install | start DIR | stop DIR.
dispatch() {
    case ${1:-} in
        install) install_servers ;;
        start) [[ $# == 2 ]] || { echo "usage: $0 start DIR" >&2; exit 2; }; start_servers "$2" ;;
        stop) [[ $# == 2 ]] || { echo "usage: $0 stop DIR" >&2; exit 2; }; stop_servers "$2" ;;
        *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
    esac
}
