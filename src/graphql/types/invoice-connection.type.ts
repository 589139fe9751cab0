import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { INTERNAL_TAG } from '../federation-directives';
import { FreshnessType } from './freshness.type';
import { InvoiceType } from './invoice.type';

// Names carry the "Invoice" prefix: a supergraph may hold another subgraph's PageInfo or Edge,
// and value types of one name must agree across subgraphs.

@ObjectType('InvoiceEdge', { simpleResolvers: true, description: 'One invoice in a page, with the cursor that points at it.' })
export class InvoiceEdgeType {
  @Field(() => String, { description: 'Opaque cursor of this invoice: pass it as `after` to get the invoices that follow it.' })
  cursor!: string;

  @Field(() => InvoiceType, { description: 'The invoice.' })
  node!: InvoiceType;
}

@ObjectType('InvoicePageInfo', { simpleResolvers: true, description: 'Where a page of invoices stands in the whole list.' })
export class InvoicePageInfoType {
  @Field(() => Boolean, { description: 'True when more invoices follow this page: ask again with `after: endCursor`.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when invoices come before this page (it was asked for with `after`).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first invoice of this page; null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last invoice of this page; null when the page is empty.' })
  endCursor!: string | null;
}

@ObjectType('InvoiceConnection', {
  simpleResolvers: true,
  description: 'A page of an account\'s invoices, newest first (by date, then id), with cursors to page through the rest.',
})
export class InvoiceConnectionType {
  @Field(() => [InvoiceEdgeType], { description: 'The invoices of this page, each with its cursor.' })
  edges!: InvoiceEdgeType[];

  @Field(() => [InvoiceType], { description: 'The invoices of this page, without cursors (the same as edges.node).' })
  nodes!: InvoiceType[];

  @Field(() => InvoicePageInfoType, { description: 'Whether more invoices follow, and the cursors of this page.' })
  pageInfo!: InvoicePageInfoType;

  @Field(() => Int, { description: 'How many invoices the account has in all, across every page.' })
  totalCount!: number;

  @Directive(INTERNAL_TAG)
  @Field(() => FreshnessType, { description: 'How current the invoice list is, and whether it is served stale after a failed refresh.' })
  freshness!: FreshnessType;
}
