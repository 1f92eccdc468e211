/**
 * The shop fleet for gRPC contract tests: cart serves shop.CartService from the .proto files of
 * its protos/ directory (cart.proto imports common.proto), checkout calls two of its methods, web
 * calls every one; orders emits order.created as protobuf messages (shop.OrderCreated), which
 * mailer reads.
 */
export const SHOP_MANIFEST = `version: 1
name: shop
environments:
  prod: { driver: local }
policy:
  batch_size: 1
services:
  cart:
    path: services/cart
    contracts:
      provides:
        grpc: protos
  checkout:
    path: services/checkout
    contracts:
      consumes:
        cart: { grpc: true, methods: [shop.CartService/AddItem, CartService/GetCart] }
  web:
    path: services/web
    contracts:
      consumes:
        cart: { grpc: true }
  orders:
    path: services/orders
    contracts:
      provides:
        events:
          order.created: { proto: events/order.proto, message: shop.OrderCreated }
  mailer:
    path: services/mailer
    contracts:
      consumes:
        order.created: { event: true }
`;

export const CART_PROTO = `syntax = "proto3";

package shop;

import "common.proto";

service CartService {
  rpc AddItem(AddItemRequest) returns (Empty) {}
  rpc GetCart(GetCartRequest) returns (Cart) {}
  rpc EmptyCart(EmptyCartRequest) returns (Empty) {}
}

message CartItem {
  string product_id = 1;
  int32 quantity = 2;
}

message AddItemRequest {
  string user_id = 1;
  CartItem item = 2;
}

message GetCartRequest {
  string user_id = 1;
}

message EmptyCartRequest {
  string user_id = 1;
  bool keep_saved = 2;
}

message Cart {
  string user_id = 1;
  repeated CartItem items = 2;
}
`;

export const COMMON_PROTO = `syntax = "proto3";

package shop;

message Empty {}
`;

export const ORDER_PROTO = `syntax = "proto3";

package shop;

message Money {
  string currency_code = 1;
  int64 units = 2;
}

message OrderCreated {
  string order_id = 1;
  Money total = 2;
}
`;

export const SHOP_FILES: Record<string, string> = {
  'tranche.yaml': SHOP_MANIFEST,
  'services/cart/protos/cart.proto': CART_PROTO,
  'services/cart/protos/common.proto': COMMON_PROTO,
  'services/cart/server.js': '// cart v1\n',
  'services/checkout/server.js': '// checkout v1\n',
  'services/web/server.js': '// web v1\n',
  'services/orders/events/order.proto': ORDER_PROTO,
  'services/orders/server.js': '// orders v1\n',
  'services/mailer/server.js': '// mailer v1\n',
};
