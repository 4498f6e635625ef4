# Sourced by bench/recovery.sh and bench/payments-hung.sh: starts the split shop as ./shop --services
# runs it (examples/shop/cleave-services.toml, the shop's jar, the embedded database) with the given
# --set overrides, in $out, on $port; stops it on exit. Expects root, out and port to be set;
# CONFIG names another configuration file (one with a [listeners.web] table gets its address set).
shop_pid=""
stop_shop() {
    if [ -n "$shop_pid" ]; then
        kill -TERM "$shop_pid" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$shop_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$shop_pid" 2>/dev/null || true
        shop_pid=""
    fi
}

start_shop() { # start_shop --set=...: returns once the shop answers on $port
    local config="${CONFIG:-$root/examples/shop/cleave-services.toml}" listen="listeners.web"
    if grep -q '^\[listeners\.web\]' "$config"; then listen="listeners.web.address"; fi
    (cd "$out" && exec "$JAVA_HOME/bin/java" \
        -cp "$(ls "$root"/examples/shop/target/cleave-example-shop-*.jar):$(cat "$root/examples/shop/target/classpath.txt")" \
        io.cleave.shop.ShopMain --config="$config" \
        --set=$listen="\"127.0.0.1:$port\"" --set=app.data-dir=\""$out/data"\" --set=multi.state-dir=\""$out/state"\" \
        --set=multi.echo-logs=false --set=Users.password-iterations=1000 "$@" >"$out/shop.log" 2>&1) &
    shop_pid=$!
    local started=$SECONDS
    until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"; do
        if ! kill -0 "$shop_pid" 2>/dev/null || [ $((SECONDS - started)) -ge 300 ]; then
            echo "the shop did not start; its log:" >&2
            tail -n 30 "$out/shop.log" >&2
            exit 1
        fi
        sleep 1
    done
    echo "shop up in $((SECONDS - started)) s" >&2
}

top_up_stock() { # gives every product stock that cannot run out: the buyers all buy the same one
    local props="$out/data/postgres/cleave.properties"
    PGPASSWORD="$(sed -n 's/^superuser.password=//p' "$props")" psql -X -q -h 127.0.0.1 \
        -p "$(sed -n 's/^port=//p' "$props")" -U cleave -d "$(sed -n 's/^database=//p' "$props")" \
        -c "update inventory.stock set on_hand = 1000000000"
}
