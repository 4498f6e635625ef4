-- What an order asked of the inventory, one row per order id, written first in reserve and in
-- release: the row serialises the two, so a reservation that arrives after its order was
-- released (a late retry) is refused instead of holding stock for an order that ended.
create table order_state (
    order_id uuid primary key,
    state    varchar(10) not null    -- RESERVED, RELEASED
);

insert into order_state (order_id, state)
select distinct order_id, case when bool_and(status in ('RELEASED', 'EXPIRED')) then 'RELEASED' else 'RESERVED' end
from reservation group by order_id;

-- reservation.status may now also be RETURNED: committed units given back by a release
