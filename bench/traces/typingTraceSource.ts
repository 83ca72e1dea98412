/**
 * The source files of the committed typing trace (bench/traces/typing-trace.json): a realistic
 * TypeScript module being edited, and a file the user looked at first. Plain strings, so the trace
 * generator can replay edits on them.
 */
export const ORDER_BOOK = `import {randomUUID} from "node:crypto";
import type {Customer, Order, OrderItem, OrderStatus} from "./types";

/** Orders above this value need a second approval. */
const LARGE_ORDER_CENTS = 500_00;

/** How long an unpaid order stays reserved. */
const RESERVATION_MS = 15 * 60 * 1000;

export class OrderBookError extends Error {
    override readonly name = "OrderBookError";
}

/**
 * Keeps the orders of one shop in memory: placing, paying, cancelling and reporting.
 * Not thread-safe; one instance per request handler.
 */
export class OrderBook {
    private readonly orders: Order[] = [];
    private readonly customers = new Map<string, Customer>();

    constructor(private readonly now: () => number = Date.now) {}

    addCustomer(customer: Customer): void {
        if (this.customers.has(customer.id))
            throw new OrderBookError(\`customer \${customer.id} exists already\`);
        this.customers.set(customer.id, customer);
    }

    place(customerId: string, items: readonly OrderItem[]): Order {
        const customer = this.customers.get(customerId);
        if (customer == null)
            throw new OrderBookError(\`unknown customer \${customerId}\`);
        if (items.length === 0)
            throw new OrderBookError("an order needs at least one item");
        const order: Order = {
            id: randomUUID(),
            customerId,
            items: [...items],
            status: "reserved",
            placedAt: this.now(),
            paidAt: undefined
        };
        this.orders.push(order);
        return order;
    }

    pay(orderId: string): Order {
        const order = this.find(orderId);
        if (order.status !== "reserved")
            throw new OrderBookError(\`order \${orderId} is \${order.status}, not reserved\`);
        if (this.now() - order.placedAt > RESERVATION_MS)
            return this.setStatus(order, "expired");
        const total = totalOf(order);
        order.paidAt = this.now();
        return this.setStatus(order, total > LARGE_ORDER_CENTS ? "awaitingApproval" : "paid");
    }

    cancel(orderId: string): Order {
        const order = this.find(orderId);
        if (order.status === "shipped")
            throw new OrderBookError(\`order \${orderId} has shipped already\`);
        return this.setStatus(order, "cancelled");
    }

    /** Orders placed by one customer, newest first. */
    ordersFor(customerId: string): Order[] {
        return this.orders
            .filter((order) => order.customerId === customerId)
            .sort((a, b) => b.placedAt - a.placedAt);
    }

    /** What one customer has paid, in cents. */
    totalFor(customerId: string): number {
        let total = 0;
        for (const order of this.ordersFor(customerId)) {
            if (order.status === "paid" || order.status === "shipped")
                total += totalOf(order);
        }
        return total;
    }

    /** Orders that were reserved too long without payment. */
    expireStale(): Order[] {
        const expired: Order[] = [];
        for (const order of this.orders) {
            if (order.status === "reserved" && this.now() - order.placedAt > RESERVATION_MS) {
                this.setStatus(order, "expired");
                expired.push(order);
            }
        }
        return expired;
    }

    report(): string {
        const lines = [\`\${this.orders.length} orders\`];
        for (const status of ["reserved", "paid", "awaitingApproval", "shipped", "cancelled", "expired"] as const) {
            const count = this.orders.filter((order) => order.status === status).length;
            if (count > 0)
                lines.push(\`  \${status}: \${count}\`);
        }
        return lines.join("\\n");
    }

    private find(orderId: string): Order {
        const order = this.orders.find((o) => o.id === orderId);
        if (order == null)
            throw new OrderBookError(\`unknown order \${orderId}\`);
        return order;
    }

    private setStatus(order: Order, status: OrderStatus): Order {
        order.status = status;
        return order;
    }
}

/** The order's value in cents, after item discounts. */
export function totalOf(order: Order): number {
    let total = 0;
    for (const item of order.items)
        total += Math.round(item.priceCents * item.quantity * (1 - item.discount));
    return total;
}

/** Items grouped by SKU, quantities added up. */
export function mergeItems(items: readonly OrderItem[]): OrderItem[] {
    const bySku = new Map<string, OrderItem>();
    for (const item of items) {
        const seen = bySku.get(item.sku);
        if (seen == null)
            bySku.set(item.sku, {...item});
        else
            seen.quantity += item.quantity;
    }
    return [...bySku.values()];
}

/** A one-line summary for logs. */
export function describe(order: Order): string {
    const count = order.items.reduce((sum, item) => sum + item.quantity, 0);
    return \`\${order.id.slice(0, 8)} \${order.status} \${count} items \${totalOf(order)} cents\`;
}

/** Whether two orders contain the same items, ignoring order and duplicates. */
export function sameItems(a: Order, b: Order): boolean {
    const left = mergeItems(a.items).sort((x, y) => x.sku.localeCompare(y.sku));
    const right = mergeItems(b.items).sort((x, y) => x.sku.localeCompare(y.sku));
    if (left.length !== right.length)
        return false;
    return left.every((item, i) => item.sku === right[i]!.sku && item.quantity === right[i]!.quantity);
}

/** Splits an order into shipments of at most \`maxItems\` items each. */
export function splitShipments(order: Order, maxItems: number): OrderItem[][] {
    if (maxItems < 1)
        throw new OrderBookError("maxItems must be at least 1");
    const shipments: OrderItem[][] = [];
    let current: OrderItem[] = [];
    for (const item of mergeItems(order.items)) {
        if (current.length === maxItems) {
            shipments.push(current);
            current = [];
        }
        current.push(item);
    }
    if (current.length > 0)
        shipments.push(current);
    return shipments;
}
`;

export const TYPES = `export type OrderStatus = "reserved" | "paid" | "awaitingApproval" | "shipped" | "cancelled" | "expired";

export interface Customer {
    readonly id: string;
    readonly name: string;
    readonly email: string;
    /** ISO country code, for taxes. */
    readonly country: string;
}

export interface OrderItem {
    readonly sku: string;
    readonly name: string;
    readonly priceCents: number;
    quantity: number;
    /** 0 to 1. */
    readonly discount: number;
}

export interface Order {
    readonly id: string;
    readonly customerId: string;
    readonly items: OrderItem[];
    status: OrderStatus;
    readonly placedAt: number;
    paidAt: number | undefined;
}

/** Cents, formatted for people: 12345 -> "123.45". */
export function formatCents(cents: number): string {
    const sign = cents < 0 ? "-" : "";
    const abs = Math.abs(cents);
    return \`\${sign}\${Math.floor(abs / 100)}.\${String(abs % 100).padStart(2, "0")}\`;
}
`;
