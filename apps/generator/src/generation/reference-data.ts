/**
 * Hand-kept reference lists. Geography is drawn as whole (city, state, country) rows so the three
 * always agree; faker's location helpers would pair a city with an unrelated state.
 */

export interface Place {
  city: string;
  state: string;
  country: string;
  /** Phone number shape: '#' is a digit, '%' a digit 2-9 (no area code starts with 0 or 1). */
  phone: string;
  weight: number;
}

const US = '+1-%##-%##-####';
const CA = '+1-%##-%##-####';
const IN = '+91-%#########';
const UK = '+44-7###-######';
const AU = '+61-4##-###-###';
const DE = '+49-15#-########';

export const PLACES: readonly Place[] = [
  { city: 'New York', state: 'New York', country: 'United States', phone: US, weight: 8 },
  { city: 'Los Angeles', state: 'California', country: 'United States', phone: US, weight: 6 },
  { city: 'San Francisco', state: 'California', country: 'United States', phone: US, weight: 3 },
  { city: 'Chicago', state: 'Illinois', country: 'United States', phone: US, weight: 5 },
  { city: 'Houston', state: 'Texas', country: 'United States', phone: US, weight: 4 },
  { city: 'Austin', state: 'Texas', country: 'United States', phone: US, weight: 2 },
  { city: 'Phoenix', state: 'Arizona', country: 'United States', phone: US, weight: 3 },
  { city: 'Seattle', state: 'Washington', country: 'United States', phone: US, weight: 3 },
  { city: 'Miami', state: 'Florida', country: 'United States', phone: US, weight: 3 },
  { city: 'Boston', state: 'Massachusetts', country: 'United States', phone: US, weight: 3 },
  { city: 'Denver', state: 'Colorado', country: 'United States', phone: US, weight: 2 },
  { city: 'Atlanta', state: 'Georgia', country: 'United States', phone: US, weight: 3 },
  { city: 'Mumbai', state: 'Maharashtra', country: 'India', phone: IN, weight: 7 },
  { city: 'Pune', state: 'Maharashtra', country: 'India', phone: IN, weight: 3 },
  { city: 'Delhi', state: 'Delhi', country: 'India', phone: IN, weight: 7 },
  { city: 'Bengaluru', state: 'Karnataka', country: 'India', phone: IN, weight: 6 },
  { city: 'Chennai', state: 'Tamil Nadu', country: 'India', phone: IN, weight: 4 },
  { city: 'Hyderabad', state: 'Telangana', country: 'India', phone: IN, weight: 4 },
  { city: 'Kolkata', state: 'West Bengal', country: 'India', phone: IN, weight: 4 },
  { city: 'Ahmedabad', state: 'Gujarat', country: 'India', phone: IN, weight: 3 },
  { city: 'Jaipur', state: 'Rajasthan', country: 'India', phone: IN, weight: 2 },
  { city: 'London', state: 'England', country: 'United Kingdom', phone: UK, weight: 6 },
  { city: 'Manchester', state: 'England', country: 'United Kingdom', phone: UK, weight: 2 },
  { city: 'Birmingham', state: 'England', country: 'United Kingdom', phone: UK, weight: 2 },
  { city: 'Edinburgh', state: 'Scotland', country: 'United Kingdom', phone: UK, weight: 1 },
  { city: 'Cardiff', state: 'Wales', country: 'United Kingdom', phone: UK, weight: 1 },
  { city: 'Toronto', state: 'Ontario', country: 'Canada', phone: CA, weight: 4 },
  { city: 'Ottawa', state: 'Ontario', country: 'Canada', phone: CA, weight: 1 },
  { city: 'Vancouver', state: 'British Columbia', country: 'Canada', phone: CA, weight: 2 },
  { city: 'Montreal', state: 'Quebec', country: 'Canada', phone: CA, weight: 2 },
  { city: 'Calgary', state: 'Alberta', country: 'Canada', phone: CA, weight: 1 },
  { city: 'Sydney', state: 'New South Wales', country: 'Australia', phone: AU, weight: 3 },
  { city: 'Melbourne', state: 'Victoria', country: 'Australia', phone: AU, weight: 3 },
  { city: 'Brisbane', state: 'Queensland', country: 'Australia', phone: AU, weight: 1 },
  { city: 'Perth', state: 'Western Australia', country: 'Australia', phone: AU, weight: 1 },
  { city: 'Berlin', state: 'Berlin', country: 'Germany', phone: DE, weight: 3 },
  { city: 'Munich', state: 'Bavaria', country: 'Germany', phone: DE, weight: 2 },
  { city: 'Hamburg', state: 'Hamburg', country: 'Germany', phone: DE, weight: 2 },
  { city: 'Frankfurt', state: 'Hesse', country: 'Germany', phone: DE, weight: 1 },
];

export const EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'proton.me'] as const;

export const AGE_GROUP_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['18-25', 22],
  ['26-35', 31],
  ['36-45', 22],
  ['46-60', 16],
  ['60+', 9],
];

export interface SubCategory {
  name: string;
  /** What the product is called at the end of its name. */
  nouns: readonly string[];
  /** Price range in whole currency units. */
  minPrice: number;
  maxPrice: number;
}

export interface Category {
  name: string;
  /** Share of the catalogue (products) in this category. */
  weight: number;
  subCategories: readonly SubCategory[];
}

export const CATEGORIES: readonly Category[] = [
  {
    name: 'Electronics',
    weight: 18,
    subCategories: [
      { name: 'Smartphones', nouns: ['Smartphone', 'Phone'], minPrice: 120, maxPrice: 1300 },
      { name: 'Laptops', nouns: ['Laptop', 'Notebook', 'Ultrabook'], minPrice: 350, maxPrice: 2600 },
      { name: 'Headphones', nouns: ['Headphones', 'Earbuds', 'Headset'], minPrice: 15, maxPrice: 400 },
      { name: 'Cameras', nouns: ['Camera', 'Action Camera', 'Lens'], minPrice: 150, maxPrice: 2200 },
      { name: 'Smart Watches', nouns: ['Smart Watch', 'Fitness Tracker'], minPrice: 40, maxPrice: 700 },
      { name: 'Accessories', nouns: ['Charger', 'Cable', 'Power Bank', 'Phone Case'], minPrice: 5, maxPrice: 90 },
    ],
  },
  {
    name: 'Clothing',
    weight: 20,
    subCategories: [
      { name: "Men's Wear", nouns: ['Shirt', 'Jacket', 'Jeans', 'Sweater'], minPrice: 12, maxPrice: 180 },
      { name: "Women's Wear", nouns: ['Dress', 'Blouse', 'Skirt', 'Cardigan'], minPrice: 12, maxPrice: 220 },
      { name: "Kids' Wear", nouns: ['T-Shirt', 'Hoodie', 'Shorts'], minPrice: 6, maxPrice: 60 },
      { name: 'Footwear', nouns: ['Sneakers', 'Boots', 'Sandals', 'Loafers'], minPrice: 20, maxPrice: 240 },
    ],
  },
  {
    name: 'Home & Kitchen',
    weight: 15,
    subCategories: [
      { name: 'Cookware', nouns: ['Frying Pan', 'Saucepan', 'Knife Set'], minPrice: 12, maxPrice: 320 },
      { name: 'Furniture', nouns: ['Chair', 'Desk', 'Bookshelf', 'Sofa'], minPrice: 45, maxPrice: 1200 },
      { name: 'Bedding', nouns: ['Duvet', 'Pillow', 'Sheet Set'], minPrice: 15, maxPrice: 260 },
      { name: 'Appliances', nouns: ['Blender', 'Coffee Maker', 'Toaster', 'Air Fryer'], minPrice: 25, maxPrice: 850 },
      { name: 'Decor', nouns: ['Lamp', 'Vase', 'Wall Clock', 'Rug'], minPrice: 8, maxPrice: 180 },
    ],
  },
  {
    name: 'Books',
    weight: 10,
    subCategories: [
      { name: 'Fiction', nouns: ['Novel', 'Thriller', 'Anthology'], minPrice: 5, maxPrice: 25 },
      { name: 'Non-Fiction', nouns: ['Biography', 'History', 'Guide'], minPrice: 8, maxPrice: 35 },
      { name: "Children's Books", nouns: ['Picture Book', 'Story Collection'], minPrice: 4, maxPrice: 20 },
      { name: 'Textbooks', nouns: ['Textbook', 'Workbook'], minPrice: 18, maxPrice: 75 },
    ],
  },
  {
    name: 'Sports & Outdoors',
    weight: 10,
    subCategories: [
      { name: 'Fitness Equipment', nouns: ['Dumbbell Set', 'Yoga Mat', 'Treadmill'], minPrice: 12, maxPrice: 700 },
      { name: 'Camping', nouns: ['Tent', 'Sleeping Bag', 'Backpack'], minPrice: 18, maxPrice: 420 },
      { name: 'Cycling', nouns: ['Bicycle', 'Helmet', 'Bike Light'], minPrice: 15, maxPrice: 1100 },
      { name: 'Team Sports', nouns: ['Football', 'Cricket Bat', 'Basketball'], minPrice: 10, maxPrice: 160 },
    ],
  },
  {
    name: 'Beauty & Personal Care',
    weight: 12,
    subCategories: [
      { name: 'Skincare', nouns: ['Moisturizer', 'Serum', 'Sunscreen'], minPrice: 5, maxPrice: 120 },
      { name: 'Makeup', nouns: ['Lipstick', 'Foundation', 'Mascara'], minPrice: 4, maxPrice: 80 },
      { name: 'Hair Care', nouns: ['Shampoo', 'Conditioner', 'Hair Dryer'], minPrice: 4, maxPrice: 150 },
      { name: 'Fragrances', nouns: ['Perfume', 'Cologne'], minPrice: 18, maxPrice: 220 },
    ],
  },
  {
    name: 'Toys & Games',
    weight: 8,
    subCategories: [
      { name: 'Board Games', nouns: ['Board Game', 'Card Game'], minPrice: 8, maxPrice: 90 },
      { name: 'Action Figures', nouns: ['Action Figure', 'Collectible'], minPrice: 7, maxPrice: 70 },
      { name: 'Educational Toys', nouns: ['Building Set', 'Science Kit'], minPrice: 10, maxPrice: 130 },
      { name: 'Puzzles', nouns: ['Jigsaw Puzzle', 'Puzzle Cube'], minPrice: 5, maxPrice: 45 },
    ],
  },
  {
    name: 'Grocery',
    weight: 7,
    subCategories: [
      { name: 'Snacks', nouns: ['Chips Multipack', 'Cookie Tin', 'Trail Mix Box'], minPrice: 8, maxPrice: 45 },
      { name: 'Beverages', nouns: ['Coffee Beans', 'Tea Collection', 'Juice Case'], minPrice: 10, maxPrice: 60 },
      { name: 'Pantry Staples', nouns: ['Olive Oil Tin', 'Rice Sack', 'Pasta Bundle'], minPrice: 8, maxPrice: 50 },
      { name: 'Organic Foods', nouns: ['Granola Pack', 'Honey Set', 'Nut Butter Duo'], minPrice: 10, maxPrice: 60 },
    ],
  },
];

/** Price endings shoppers actually see. */
export const PRICE_CENTS = [99, 99, 99, 49, 95, 0, 50] as const;

/** Lines in one order: 1..6, mean about 2.5. */
export const BASKET_SIZE_WEIGHTS = [32, 26, 19, 12, 7, 4] as const;

/** Units of one product in one order line (1..5). */
export const QUANTITY_WEIGHTS = [62, 24, 9, 3, 2] as const;

/**
 * Discount depths (whole percentages) with their weights: promotions cut deeper than the odd
 * coupon outside them. Whether a line is discounted at all is the model's promotion/regular share.
 */
export const PROMOTION_DISCOUNTS: ReadonlyArray<readonly [number, number]> = [
  [10, 20],
  [15, 20],
  [20, 25],
  [25, 12],
  [30, 12],
  [40, 6],
  [50, 5],
];
export const REGULAR_DISCOUNTS: ReadonlyArray<readonly [number, number]> = [
  [5, 45],
  [10, 40],
  [15, 15],
];
