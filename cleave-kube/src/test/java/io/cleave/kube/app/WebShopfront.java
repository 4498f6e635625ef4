package io.cleave.kube.app;

import io.cleave.Listener;

/** Serves {@code POST /order/{sku}} and {@code GET /client} (the client's address) on the {@code web} listener. */
public final class WebShopfront implements Shopfront {

    /**
     * @param orders where orders go
     * @param web the edge's listener
     */
    public WebShopfront(Orders orders, Listener web) {
        web.post("/order/{sku}", request -> io.cleave.WebResponse.text(Integer.toString(orders.place(request.pathParam("sku")))));
        // whom the listener believes the request came from: X-Forwarded-For only beside the gateway's token
        web.get("/client", request -> io.cleave.WebResponse.text(request.clientAddress()));
    }

    @Override
    public String route() {
        return "/order/{sku}";
    }
}
