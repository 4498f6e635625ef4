package io.cleave.shop.storefront;

import java.util.List;
import java.util.Locale;

/**
 * Settings of {@link Storefront}, from the {@code [Storefront]} section of {@code cleave.toml}.
 *
 * @param admins the e-mail addresses of the accounts that may use the admin routes
 *     ({@code /api/admin/...}); empty: nobody may
 */
public record StorefrontConfig(List<String> admins) {

    /**
     * Validates the settings and folds the addresses to lower case, as accounts store them.
     *
     * @throws IllegalArgumentException if an address is blank or has no {@code @}
     */
    public StorefrontConfig {
        for (String admin : admins) {
            if (admin.isBlank() || !admin.contains("@")) {
                throw new IllegalArgumentException("Storefront.admins: \"" + admin + "\" is not an e-mail address");
            }
        }
        admins = admins.stream().map(a -> a.strip().toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * The settings for keys the section leaves out: no administrators.
     *
     * @return the defaults
     */
    public static StorefrontConfig defaults() {
        return new StorefrontConfig(List.of());
    }
}
