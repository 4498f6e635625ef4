package io.cleave.shop.storefront;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Settings of {@link Storefront}, from the {@code [Storefront]} section of {@code cleave.toml}.
 *
 * @param admins the e-mail addresses of the accounts that may use the admin routes
 *     ({@code /api/admin/...}); empty: nobody may
 * @param edgeMaxAge how long a shared cache in front of the shop (the gateway's edge cache, a CDN)
 *     may keep the catalogue's answers — categories, listings, product pages, which are the same
 *     for every visitor — as {@code Cache-Control: public, max-age=0, s-maxage=N}; browsers
 *     always ask again. Whole seconds, 0 to 3600; zero keeps them {@code no-store} like every
 *     other answer. A price or stock change shows at the edge within this bound (plus the
 *     route's {@code cache-stale}).
 */
public record StorefrontConfig(List<String> admins, Duration edgeMaxAge) {

    /** The longest {@link #edgeMaxAge} taken: a price shown an hour late is already a bug report. */
    static final Duration LONGEST_EDGE_MAX_AGE = Duration.ofHours(1);

    /**
     * Validates the settings and folds the addresses to lower case, as accounts store them.
     *
     * @throws IllegalArgumentException if an address is blank or has no {@code @}, or the edge
     *     lifetime is negative, longer than an hour or not whole seconds
     */
    public StorefrontConfig {
        for (String admin : admins) {
            if (admin.isBlank() || !admin.contains("@")) {
                throw new IllegalArgumentException("Storefront.admins: \"" + admin + "\" is not an e-mail address");
            }
        }
        admins = admins.stream().map(a -> a.strip().toLowerCase(Locale.ROOT)).toList();
        if (edgeMaxAge.isNegative() || edgeMaxAge.compareTo(LONGEST_EDGE_MAX_AGE) > 0 || edgeMaxAge.toNanosPart() != 0) {
            throw new IllegalArgumentException("Storefront.edge-max-age must be whole seconds from 0s to 1h"
                    + " (s-maxage counts seconds), got " + edgeMaxAge.toString().substring(2).toLowerCase(Locale.ROOT));
        }
    }

    /**
     * The settings for keys the section leaves out: no administrators, and catalogue answers
     * kept one second by a shared cache in front.
     *
     * @return the defaults
     */
    public static StorefrontConfig defaults() {
        return new StorefrontConfig(List.of(), Duration.ofSeconds(1));
    }
}
