package io.cleave.runtime.shop;

import io.cleave.spi.Codecs;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.util.List;
import java.util.Set;

/** The three shop descriptors, shaped as cleave-codegen generates them (one class per component there). */
public final class Shop_Cleave {
    private Shop_Cleave() {
    }

    static final MethodDescriptor PRICE = new MethodDescriptor("Catalog", 0, "price", "price(java.lang.String)", false, -1, List.of(Codecs.STRING),
            List.of("item"), Codecs.INT, List.of());
    static final MethodDescriptor ADD = new MethodDescriptor("Cart", 0, "add", "add(java.lang.String)", false, -1, List.of(Codecs.STRING),
            List.of("item"), Codecs.INT, List.of());
    static final MethodDescriptor CHECKOUT = new MethodDescriptor("Checkout", 0, "checkout", "checkout()", false, -1, List.of(),
            List.of(), Codecs.STRING, List.of());

    public static final ComponentDescriptor<Catalog> CATALOG = new ComponentDescriptor<>(
            "Catalog", Catalog.class, CatalogImpl.class,
            List.of(new Dependency.OnService("journal", Journal.class)),
            args -> new CatalogImpl((Journal) args[0]),
            List.of(PRICE),
            invoker -> item -> call(invoker, PRICE, item),
            (target, method, args) -> switch (method) {
                case 0 -> target.price((String) args[0]);
                default -> throw new IllegalArgumentException("Catalog has no method #" + method);
            });

    public static final ComponentDescriptor<Cart> CART = new ComponentDescriptor<>(
            "Cart", Cart.class, CartImpl.class,
            List.of(new Dependency.OnComponent("catalog", Catalog.class), new Dependency.OnService("journal", Journal.class)),
            args -> new CartImpl((Catalog) args[0], (Journal) args[1]),
            List.of(ADD),
            invoker -> item -> call(invoker, ADD, item),
            (target, method, args) -> switch (method) {
                case 0 -> target.add((String) args[0]);
                default -> throw new IllegalArgumentException("Cart has no method #" + method);
            });

    public static final ComponentDescriptor<Checkout> CHECKOUT_COMPONENT = new ComponentDescriptor<>(
            "Checkout", Checkout.class, CheckoutImpl.class,
            List.of(new Dependency.OnComponent("cart", Cart.class), new Dependency.OnComponent("catalog", Catalog.class),
                    new Dependency.OnService("journal", Journal.class),
                    new Dependency.OnConfig<>("config", CheckoutConfig.class, Shop_Cleave::bindCheckout)),
            args -> new CheckoutImpl((Cart) args[0], (Catalog) args[1], (Journal) args[2], (CheckoutConfig) args[3]),
            List.of(CHECKOUT),
            invoker -> () -> (String) callAny(invoker, CHECKOUT),
            (target, method, args) -> switch (method) {
                case 0 -> target.checkout();
                default -> throw new IllegalArgumentException("Checkout has no method #" + method);
            });

    static CheckoutConfig bindCheckout(ConfigSection section) {
        section.rejectUnknown(Set.of("fail-on-start", "fail-in-constructor"));
        return new CheckoutConfig(section.has("fail-on-start") && section.bool("fail-on-start"),
                section.has("fail-in-constructor") && section.bool("fail-in-constructor"));
    }

    private static int call(Invoker invoker, MethodDescriptor method, String argument) {
        return (Integer) callAny(invoker, method, argument);
    }

    private static Object callAny(Invoker invoker, MethodDescriptor method, Object... arguments) {
        try {
            return invoker.invoke(method, arguments);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
